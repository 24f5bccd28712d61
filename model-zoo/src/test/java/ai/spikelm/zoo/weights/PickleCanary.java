package ai.spikelm.zoo.weights;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A class that a hostile pickle names as a global: if the reader ever loaded and initialised a
 * class by the name in a file, its static initialiser would raise the flag.
 */
final class PickleCanary {

    /** Kept in a class of its own so that reading the flag does not initialise the canary. */
    static final class Flag {
        static final AtomicBoolean INITIALIZED = new AtomicBoolean();

        private Flag() {}
    }

    static {
        Flag.INITIALIZED.set(true);
    }

    private PickleCanary() {}
}
