package ai.spikelm.zoo.weights;

import static ai.spikelm.zoo.weights.SafetensorsBytes.i64;
import static ai.spikelm.zoo.weights.SafetensorsBytes.tensor;
import static ai.spikelm.zoo.weights.SafetensorsBytes.u16;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Mapped checkpoint tensors reach the PyTorch engine as F32 (floating) or their own integer type.
 */
class HostTensorNDArrayTest {

    @TempDir Path dir;

    @Test
    void mappedHalfPrecisionTensorsBecomeF32Arrays() throws IOException {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put(
                "bf16",
                tensor(TensorDType.BF16, new long[] {2, 2}, u16(0x3F80, 0xC000, 0x0000, 0x4049)));
        tensors.put("f16", tensor(TensorDType.F16, new long[] {2}, u16(0x3C00, 0x7BFF)));
        tensors.put("ids", tensor(TensorDType.I64, new long[] {2}, i64(3, -4)));
        Path file = dir.resolve("m.safetensors");
        SafetensorsWriter.write(file, tensors);

        try (SafetensorsFile f = SafetensorsFile.open(file);
                NDManager manager = NDManager.newBaseManager()) {
            NDArray bf16 = f.get("bf16").toNDArray(manager);
            assertEquals(DataType.FLOAT32, bf16.getDataType());
            assertEquals(new Shape(2, 2), bf16.getShape());
            assertArrayEquals(new float[] {1f, -2f, 0f, 3.140625f}, bf16.toFloatArray());

            NDArray f16 = f.get("f16").toNDArray(manager);
            assertEquals(DataType.FLOAT32, f16.getDataType());
            assertArrayEquals(new float[] {1f, 65504f}, f16.toFloatArray());

            NDArray ids = f.get("ids").toNDArray(manager);
            assertEquals(DataType.INT64, ids.getDataType());
            assertArrayEquals(new long[] {3, -4}, ids.toLongArray());
        }
    }
}
