package ai.spikelm.zoo.weights;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Assembles pickle bytes opcode by opcode, as Python's pickler writes them, for tests. It knows
 * nothing about the reader: every byte is spelled out from the format.
 */
final class PickleBytes {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Appends raw bytes (each an int 0..255). */
    PickleBytes raw(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    /** Appends raw bytes. */
    PickleBytes raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    /** An opcode without operand. */
    PickleBytes op(int opcode) {
        out.write(opcode);
        return this;
    }

    /** PROTO n. */
    PickleBytes proto(int protocol) {
        return raw(PickleOpcodes.PROTO, protocol);
    }

    /** GLOBAL 'module name' (two newline-terminated lines). */
    PickleBytes global(String module, String name) {
        op(PickleOpcodes.GLOBAL);
        return raw((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** BINUNICODE: 4-byte little-endian length and UTF-8 bytes. */
    PickleBytes unicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op(PickleOpcodes.BINUNICODE);
        u32(b.length);
        return raw(b);
    }

    /** SHORT_BINUNICODE: 1-byte length (protocol 4). */
    PickleBytes shortUnicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        raw(PickleOpcodes.SHORT_BINUNICODE, b.length);
        return raw(b);
    }

    /** BINPUT or LONG_BINPUT, as the pickler picks by index. */
    PickleBytes put(int index) {
        if (index < 256) {
            return raw(PickleOpcodes.BINPUT, index);
        }
        op(PickleOpcodes.LONG_BINPUT);
        return u32(index);
    }

    /** BINGET or LONG_BINGET. */
    PickleBytes get(int index) {
        if (index < 256) {
            return raw(PickleOpcodes.BINGET, index);
        }
        op(PickleOpcodes.LONG_BINGET);
        return u32(index);
    }

    /** An int the way protocol 2 saves it: BININT1, BININT2, BININT or LONG1. */
    PickleBytes integer(long v) {
        if (v >= 0 && v <= 0xFF) {
            return raw(PickleOpcodes.BININT1, (int) v);
        }
        if (v >= 0 && v <= 0xFFFF) {
            return raw(PickleOpcodes.BININT2, (int) v & 0xFF, (int) (v >>> 8));
        }
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            op(PickleOpcodes.BININT);
            return u32((int) v);
        }
        // Minimal two's complement, little-endian.
        byte[] big = BigInteger.valueOf(v).toByteArray();
        raw(PickleOpcodes.LONG1, big.length);
        for (int i = big.length - 1; i >= 0; i--) {
            out.write(big[i]);
        }
        return this;
    }

    /** A 4-byte little-endian operand. */
    PickleBytes u32(long v) {
        return raw(
                (int) v & 0xFF,
                (int) (v >>> 8) & 0xFF,
                (int) (v >>> 16) & 0xFF,
                (int) (v >>> 24) & 0xFF);
    }

    /** An 8-byte little-endian operand. */
    PickleBytes u64(long v) {
        u32(v);
        return u32(v >>> 32);
    }

    /** The current length. */
    int size() {
        return out.size();
    }

    /** The bytes so far. */
    byte[] bytes() {
        return out.toByteArray();
    }
}
