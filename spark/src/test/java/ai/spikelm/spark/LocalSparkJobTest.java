package ai.spikelm.spark;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;

/**
 * A job test class's local[2] Spark session: started by the class once its models and data exist
 * (see {@link Fixtures#spikingModel}), stopped after its last test; each test's executor models are
 * closed after it, so that the next test's load does not stack on them.
 */
abstract class LocalSparkJobTest {

    static SparkSession spark;

    /** Starts Spark; a subclass calls it last in its {@code @BeforeAll}, after its fixtures. */
    static void startSpark() {
        spark = Fixtures.session("local[2]");
    }

    @AfterEach
    void freeExecutorModels() {
        ExecutorEncoders.closeAll();
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) {
            spark.stop();
        }
        ExecutorEncoders.closeAll();
        SingleProcess.close();
    }
}
