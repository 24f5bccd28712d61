/**
 * SpikeLM-BERT: the released SpikeLM architecture as DJL blocks, with Hugging Face {@code
 * BertModel} names and layout.
 *
 * <p>The blocks read top to bottom as the math: {@link ai.spikelm.zoo.bert.BertEmbeddings} (real),
 * the embedded sequence repeated over T, {@link ai.spikelm.zoo.bert.BertLayer}s whose every linear
 * input is spiked ({@link ai.spikelm.zoo.bert.BertSelfAttention} also spikes K and V in one step),
 * the mean over T, then real heads. With {@code spikelm.spiking = false} the same code is an exact
 * BERT.
 */
package ai.spikelm.zoo.bert;
