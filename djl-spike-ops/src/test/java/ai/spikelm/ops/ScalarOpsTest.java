package ai.spikelm.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Constants survive a garbage collection between forward and backward. With DJL's own {@code
 * x.mul(0.5f)} the freed constant's memory is reused and the gradient read from it (1e30 here).
 */
class ScalarOpsTest {

    /** Runs forward, then collects garbage and fills freed direct memory with 1e30, then backward. */
    private static float[] gradientAfterGc(UnaryOperator<NDArray> f, float[] x0) throws InterruptedException {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(x0);
            x.setRequiresGradient(true);
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray y = f.apply(x).sum();
                System.gc();
                Thread.sleep(50); // lets the cleaner free unreachable direct buffers
                List<ByteBuffer> junk = new ArrayList<>();
                for (int i = 0; i < 2000; i++) {
                    ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
                    b.putFloat(0, 1e30f);
                    junk.add(b);
                }
                gc.backward(y);
                junk.clear();
            }
            return x.getGradient().toFloatArray();
        }
    }

    @Test
    void gradientsUseTheRightConstantAfterGarbageCollection() throws InterruptedException {
        float[] x = {1f, 2f, -3f};
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, gradientAfterGc(a -> ScalarOps.mul(a, 0.5f), x), 0f);
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f}, gradientAfterGc(a -> ScalarOps.div(a, 4f), x), 0f);
        assertArrayEquals(new float[] {2f, 4f, -6f}, gradientAfterGc(a -> ScalarOps.pow(a, 2f), x), 1e-6f);
        assertArrayEquals(new float[] {0f, 1f, 0f}, gradientAfterGc(a -> ScalarOps.maximum(a, 1.5f), x), 0f);
    }
}
