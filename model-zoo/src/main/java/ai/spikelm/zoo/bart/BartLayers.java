package ai.spikelm.zoo.bart;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.spikelm.ops.nn.SpikingLinear;
import java.util.function.UnaryOperator;

/** Pieces the BART layers share: {@code nn.Linear}-layout spiking linears and the feed-forward network. */
final class BartLayers {

    private BartLayers() {}

    /** A spiking linear layer with weight {@code [out, in]} whose input neuron is the config's for {@code site}. */
    static SpikingLinear linear(SpikeBartConfig config, String site, long units) {
        return SpikingLinear.builder().setUnits(units).setNeuron(config.spiking().neuron(site)).build();
    }

    /** dropout(fc2(dropout(act(fc1(x)), activation_dropout)), dropout): both linears spiking, the rest real. */
    static NDArray feedForward(
            ParameterStore ps,
            SpikingLinear fc1,
            SpikingLinear fc2,
            UnaryOperator<NDArray> activation,
            SpikeBartConfig config,
            NDArray x,
            boolean training) {
        NDArray h = activation.apply(fc1.forward(ps, new NDList(x), training).singletonOrThrow());
        h = Dropout.dropout(h, config.activationDropout(), training).singletonOrThrow();
        NDArray out = fc2.forward(ps, new NDList(h), training).singletonOrThrow();
        return Dropout.dropout(out, config.dropout(), training).singletonOrThrow();
    }
}
