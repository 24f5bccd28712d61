package ai.spikelm.zoo.weights;

/**
 * The opcodes of the pickle format (protocols 0 to 5), by value, with their names for error
 * messages. Only the subset that {@link TorchUnpickler} executes is used elsewhere; the rest are
 * listed so that a refused opcode can be named.
 */
final class PickleOpcodes {

    static final int MARK = '(';
    static final int STOP = '.';
    static final int POP = '0';
    static final int POP_MARK = '1';
    static final int DUP = '2';
    static final int FLOAT = 'F';
    static final int INT = 'I';
    static final int BININT = 'J';
    static final int BININT1 = 'K';
    static final int LONG = 'L';
    static final int BININT2 = 'M';
    static final int NONE = 'N';
    static final int PERSID = 'P';
    static final int BINPERSID = 'Q';
    static final int REDUCE = 'R';
    static final int STRING = 'S';
    static final int BINSTRING = 'T';
    static final int SHORT_BINSTRING = 'U';
    static final int UNICODE = 'V';
    static final int BINUNICODE = 'X';
    static final int APPEND = 'a';
    static final int BUILD = 'b';
    static final int GLOBAL = 'c';
    static final int DICT = 'd';
    static final int EMPTY_DICT = '}';
    static final int APPENDS = 'e';
    static final int GET = 'g';
    static final int BINGET = 'h';
    static final int INST = 'i';
    static final int LONG_BINGET = 'j';
    static final int LIST = 'l';
    static final int EMPTY_LIST = ']';
    static final int OBJ = 'o';
    static final int PUT = 'p';
    static final int BINPUT = 'q';
    static final int LONG_BINPUT = 'r';
    static final int SETITEM = 's';
    static final int TUPLE = 't';
    static final int EMPTY_TUPLE = ')';
    static final int SETITEMS = 'u';
    static final int BINFLOAT = 'G';
    static final int BINBYTES = 'B';
    static final int SHORT_BINBYTES = 'C';
    static final int PROTO = 0x80;
    static final int NEWOBJ = 0x81;
    static final int EXT1 = 0x82;
    static final int EXT2 = 0x83;
    static final int EXT4 = 0x84;
    static final int TUPLE1 = 0x85;
    static final int TUPLE2 = 0x86;
    static final int TUPLE3 = 0x87;
    static final int NEWTRUE = 0x88;
    static final int NEWFALSE = 0x89;
    static final int LONG1 = 0x8a;
    static final int LONG4 = 0x8b;
    static final int SHORT_BINUNICODE = 0x8c;
    static final int BINUNICODE8 = 0x8d;
    static final int BINBYTES8 = 0x8e;
    static final int EMPTY_SET = 0x8f;
    static final int ADDITEMS = 0x90;
    static final int FROZENSET = 0x91;
    static final int NEWOBJ_EX = 0x92;
    static final int STACK_GLOBAL = 0x93;
    static final int MEMOIZE = 0x94;
    static final int FRAME = 0x95;
    static final int BYTEARRAY8 = 0x96;
    static final int NEXT_BUFFER = 0x97;
    static final int READONLY_BUFFER = 0x98;

    private static final String[] NAMES = new String[256];

    static {
        NAMES[MARK] = "MARK";
        NAMES[STOP] = "STOP";
        NAMES[POP] = "POP";
        NAMES[POP_MARK] = "POP_MARK";
        NAMES[DUP] = "DUP";
        NAMES[FLOAT] = "FLOAT";
        NAMES[INT] = "INT";
        NAMES[BININT] = "BININT";
        NAMES[BININT1] = "BININT1";
        NAMES[LONG] = "LONG";
        NAMES[BININT2] = "BININT2";
        NAMES[NONE] = "NONE";
        NAMES[PERSID] = "PERSID";
        NAMES[BINPERSID] = "BINPERSID";
        NAMES[REDUCE] = "REDUCE";
        NAMES[STRING] = "STRING";
        NAMES[BINSTRING] = "BINSTRING";
        NAMES[SHORT_BINSTRING] = "SHORT_BINSTRING";
        NAMES[UNICODE] = "UNICODE";
        NAMES[BINUNICODE] = "BINUNICODE";
        NAMES[APPEND] = "APPEND";
        NAMES[BUILD] = "BUILD";
        NAMES[GLOBAL] = "GLOBAL";
        NAMES[DICT] = "DICT";
        NAMES[EMPTY_DICT] = "EMPTY_DICT";
        NAMES[APPENDS] = "APPENDS";
        NAMES[GET] = "GET";
        NAMES[BINGET] = "BINGET";
        NAMES[INST] = "INST";
        NAMES[LONG_BINGET] = "LONG_BINGET";
        NAMES[LIST] = "LIST";
        NAMES[EMPTY_LIST] = "EMPTY_LIST";
        NAMES[OBJ] = "OBJ";
        NAMES[PUT] = "PUT";
        NAMES[BINPUT] = "BINPUT";
        NAMES[LONG_BINPUT] = "LONG_BINPUT";
        NAMES[SETITEM] = "SETITEM";
        NAMES[TUPLE] = "TUPLE";
        NAMES[EMPTY_TUPLE] = "EMPTY_TUPLE";
        NAMES[SETITEMS] = "SETITEMS";
        NAMES[BINFLOAT] = "BINFLOAT";
        NAMES[BINBYTES] = "BINBYTES";
        NAMES[SHORT_BINBYTES] = "SHORT_BINBYTES";
        NAMES[PROTO] = "PROTO";
        NAMES[NEWOBJ] = "NEWOBJ";
        NAMES[EXT1] = "EXT1";
        NAMES[EXT2] = "EXT2";
        NAMES[EXT4] = "EXT4";
        NAMES[TUPLE1] = "TUPLE1";
        NAMES[TUPLE2] = "TUPLE2";
        NAMES[TUPLE3] = "TUPLE3";
        NAMES[NEWTRUE] = "NEWTRUE";
        NAMES[NEWFALSE] = "NEWFALSE";
        NAMES[LONG1] = "LONG1";
        NAMES[LONG4] = "LONG4";
        NAMES[SHORT_BINUNICODE] = "SHORT_BINUNICODE";
        NAMES[BINUNICODE8] = "BINUNICODE8";
        NAMES[BINBYTES8] = "BINBYTES8";
        NAMES[EMPTY_SET] = "EMPTY_SET";
        NAMES[ADDITEMS] = "ADDITEMS";
        NAMES[FROZENSET] = "FROZENSET";
        NAMES[NEWOBJ_EX] = "NEWOBJ_EX";
        NAMES[STACK_GLOBAL] = "STACK_GLOBAL";
        NAMES[MEMOIZE] = "MEMOIZE";
        NAMES[FRAME] = "FRAME";
        NAMES[BYTEARRAY8] = "BYTEARRAY8";
        NAMES[NEXT_BUFFER] = "NEXT_BUFFER";
        NAMES[READONLY_BUFFER] = "READONLY_BUFFER";
    }

    private PickleOpcodes() {}

    /**
     * Returns the name pickletools gives an opcode.
     *
     * @param op the opcode byte, 0 to 255
     * @return its name, or {@code null} if no protocol defines it
     */
    static String name(int op) {
        return op >= 0 && op < NAMES.length ? NAMES[op] : null;
    }

    /**
     * Returns whether an opcode instantiates a class or calls a function named by the file (rather
     * than merely building data), so refusing it is a matter of safety, not support.
     *
     * @param op the opcode byte
     * @return true for INST, OBJ, NEWOBJ, NEWOBJ_EX and the EXT opcodes
     */
    static boolean createsObjects(int op) {
        return op == INST
                || op == OBJ
                || op == NEWOBJ
                || op == NEWOBJ_EX
                || op == EXT1
                || op == EXT2
                || op == EXT4;
    }
}
