/**
 * Training SpikeLM models on the JVM: losses, an AdamW that decides weight decay by parameter
 * name, learning-rate schedules, objectives for fine-tuning, distillation and pre-training, and a
 * resumable trainer.
 *
 * <ul>
 *   <li>{@link ai.spikelm.zoo.training.Losses}: softmax cross-entropy (with ignored positions),
 *       MSE, hidden-state MSE and soft-target cross-entropy with temperature, as functions on
 *       NDArrays; {@link ai.spikelm.zoo.training.MlmMasker} corrupts tokens for masked-LM;
 *   <li>{@link ai.spikelm.zoo.training.Objective}s: {@link ai.spikelm.zoo.training.TaskObjective}
 *       (GLUE fine-tuning), {@link ai.spikelm.zoo.training.DistillationObjective} (from an ANN
 *       teacher) and {@link ai.spikelm.zoo.training.PreTrainingObjective} (MLM + NSP);
 *   <li>{@link ai.spikelm.zoo.training.AdamW} with global-norm clipping and {@link
 *       ai.spikelm.zoo.training.WarmupLinearSchedule};
 *   <li>{@link ai.spikelm.zoo.training.SpikeLmTrainer}: epochs of {@link
 *       ai.spikelm.zoo.training.TrainingBatch}es from a {@link ai.spikelm.zoo.training.BatchSource},
 *       gradient accumulation, α calibration, evaluation ({@link
 *       ai.spikelm.zoo.training.Evaluator}, {@link ai.spikelm.zoo.training.Predictions}), best and
 *       last checkpoints in Hugging Face layout, exact resumption and progress events ({@link
 *       ai.spikelm.zoo.training.TrainingListener}).
 * </ul>
 *
 * <p>The recipe of the SpikeLM reference (§4 of the design notes): GLUE fine-tuning with batch 32,
 * AdamW at a constant 2e-5 and the best dev epoch; pre-training with MLM + NSP, AdamW at 2e-4 with
 * 5k warm-up steps and linear decay.
 */
package ai.spikelm.zoo.training;
