package ai.spikelm.zoo.convert;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Walks the fields of one serialized protobuf message held in a {@link ByteBuffer}, with
 * protobuf's {@link CodedInputStream} doing the wire-level decoding.
 *
 * <p>Length-delimited fields come back as slices of the same buffer, so multi-megabyte tensor
 * payloads are never copied, and a declared length larger than the bytes left is reported
 * before anything is allocated.
 */
final class ProtoReader {

    static final int WIRE_VARINT = 0;
    static final int WIRE_FIXED64 = 1;
    static final int WIRE_LENGTH_DELIMITED = 2;
    static final int WIRE_FIXED32 = 5;

    private final ByteBuffer buffer;
    private final CodedInputStream in;
    private final String what;
    private int tag;

    /**
     * Starts reading a message.
     *
     * @param message the serialized message, from its position to its limit
     * @param what what the message is, for error messages (e.g. "ONNX TensorProto")
     */
    ProtoReader(ByteBuffer message, String what) {
        this.buffer = message.slice();
        this.in = CodedInputStream.newInstance(buffer.duplicate());
        this.what = what;
    }

    /**
     * Advances to the next field.
     *
     * @return false at the end of the message
     * @throws CheckpointFormatException if the tag is malformed
     */
    boolean next() throws CheckpointFormatException {
        try {
            tag = in.readTag();
        } catch (IOException e) {
            throw malformed(e);
        }
        return tag != 0;
    }

    /** Returns the field number of the current field. */
    int field() {
        return tag >>> 3;
    }

    /** Returns the wire type of the current field. */
    int wireType() {
        return tag & 7;
    }

    /**
     * Reads the current field as a varint (int32, int64, enum, bool).
     *
     * @return the value
     * @throws CheckpointFormatException if the field is not a varint or is truncated
     */
    long readVarint() throws CheckpointFormatException {
        expectWireType(WIRE_VARINT);
        try {
            return in.readRawVarint64();
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    /**
     * Reads the current field as a 32-bit little-endian value (fixed32, float).
     *
     * @return the raw bits
     * @throws CheckpointFormatException if the field is not fixed32 or is truncated
     */
    int readFixed32() throws CheckpointFormatException {
        expectWireType(WIRE_FIXED32);
        try {
            return in.readRawLittleEndian32();
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    /**
     * Reads the current length-delimited field (bytes, string, sub-message, packed array).
     *
     * @return a slice of the message buffer, position 0, big-endian byte order
     * @throws CheckpointFormatException if the field is not length-delimited or its length runs
     *     past the end of the message
     */
    ByteBuffer readBytes() throws CheckpointFormatException {
        expectWireType(WIRE_LENGTH_DELIMITED);
        try {
            int length = in.readRawVarint32();
            int start = in.getTotalBytesRead();
            if (length < 0 || length > buffer.limit() - start) {
                throw new CheckpointFormatException(
                        "Malformed " + what + ": a field declares " + Integer.toUnsignedLong(length)
                                + " bytes but only " + (buffer.limit() - start) + " remain");
            }
            in.skipRawBytes(length);
            return buffer.slice(start, length);
        } catch (CheckpointFormatException e) {
            throw e;
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    /**
     * Reads the current field as a UTF-8 string.
     *
     * @return the string
     * @throws CheckpointFormatException if the field is not length-delimited or is truncated
     */
    String readString() throws CheckpointFormatException {
        ByteBuffer bytes = readBytes();
        byte[] array = new byte[bytes.remaining()];
        bytes.get(array);
        return new String(array, StandardCharsets.UTF_8);
    }

    /**
     * Reads a repeated int64 field, packed or not, appending its values.
     *
     * @param out where the values go
     * @throws CheckpointFormatException if the field is malformed
     */
    void readInt64s(LongList out) throws CheckpointFormatException {
        if (wireType() == WIRE_VARINT) {
            out.add(readVarint());
            return;
        }
        ProtoReader packed = new ProtoReader(readBytes(), what);
        try {
            while (!packed.in.isAtEnd()) {
                out.add(packed.in.readRawVarint64());
            }
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    /**
     * Reads a repeated float field, packed or not, appending its values.
     *
     * @param out where the values go
     * @throws CheckpointFormatException if the field is malformed
     */
    void readFloats(FloatList out) throws CheckpointFormatException {
        if (wireType() == WIRE_FIXED32) {
            out.add(Float.intBitsToFloat(readFixed32()));
            return;
        }
        ByteBuffer packed = readBytes().order(ByteOrder.LITTLE_ENDIAN);
        if (packed.remaining() % Float.BYTES != 0) {
            throw new CheckpointFormatException(
                    "Malformed " + what + ": packed float field of " + packed.remaining()
                            + " bytes is not a multiple of 4");
        }
        while (packed.hasRemaining()) {
            out.add(packed.getFloat());
        }
    }

    /**
     * Skips the current field.
     *
     * @throws CheckpointFormatException if the field is truncated or of an unknown wire type
     */
    void skip() throws CheckpointFormatException {
        try {
            if (!in.skipField(tag)) {
                throw new CheckpointFormatException("Malformed " + what + ": unexpected end-group tag");
            }
        } catch (CheckpointFormatException e) {
            throw e;
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    private void expectWireType(int expected) throws CheckpointFormatException {
        if (wireType() != expected) {
            throw new CheckpointFormatException(
                    "Malformed " + what + ": field " + field() + " has wire type " + wireType()
                            + ", expected " + expected);
        }
    }

    private CheckpointFormatException malformed(IOException e) {
        return new CheckpointFormatException("Malformed " + what + ": " + e.getMessage(), e);
    }

    /** A growable list of primitive longs (repeated int64 fields can be long). */
    static final class LongList {
        private long[] values = new long[8];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        int size() {
            return size;
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }

    /** A growable list of primitive floats. */
    static final class FloatList {
        private float[] values = new float[8];
        private int size;

        void add(float value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        int size() {
            return size;
        }

        float[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
