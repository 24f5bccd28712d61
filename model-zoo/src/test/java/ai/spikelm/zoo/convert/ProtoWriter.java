package ai.spikelm.zoo.convert;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Builds protobuf messages field by field for test fixtures. */
final class ProtoWriter {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

    ProtoWriter varint(int field, long value) {
        return write(() -> out.writeInt64(field, value));
    }

    ProtoWriter fixed32(int field, int value) {
        return write(() -> out.writeFixed32(field, value));
    }

    ProtoWriter float32(int field, float value) {
        return write(() -> out.writeFloat(field, value));
    }

    ProtoWriter string(int field, String value) {
        return write(() -> out.writeString(field, value));
    }

    ProtoWriter bytes(int field, byte[] value) {
        return write(() -> out.writeByteArray(field, value));
    }

    ProtoWriter message(int field, ProtoWriter message) {
        return bytes(field, message.toByteArray());
    }

    ProtoWriter packedInt64(int field, long... values) {
        ProtoWriter packed = new ProtoWriter();
        for (long v : values) {
            packed.write(() -> packed.out.writeInt64NoTag(v));
        }
        return bytes(field, packed.toByteArray());
    }

    ProtoWriter packedFloats(int field, float... values) {
        ProtoWriter packed = new ProtoWriter();
        for (float v : values) {
            packed.write(() -> packed.out.writeFloatNoTag(v));
        }
        return bytes(field, packed.toByteArray());
    }

    byte[] toByteArray() {
        write(out::flush);
        return bytes.toByteArray();
    }

    private ProtoWriter write(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    private interface IoAction {
        void run() throws IOException;
    }
}
