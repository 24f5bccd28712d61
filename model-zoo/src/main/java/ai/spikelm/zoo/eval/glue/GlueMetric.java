package ai.spikelm.zoo.eval.glue;

/** An evaluation metric used on GLUE dev sets; values are fractions, not percentages. */
public enum GlueMetric {
    /** Fraction of examples whose predicted label equals the gold label. */
    ACCURACY("accuracy"),
    /** Binary F1 with label index 1 as the positive class (MRPC, QQP). */
    F1("f1"),
    /** Matthews correlation coefficient (CoLA). */
    MATTHEWS("mcc"),
    /** Pearson correlation between predicted and gold scores (STS-B). */
    PEARSON("pearson"),
    /** Spearman rank correlation between predicted and gold scores (STS-B). */
    SPEARMAN("spearman");

    private final String key;

    GlueMetric(String key) {
        this.key = key;
    }

    /**
     * Returns the short lower-case name used in reports, for example {@code mcc}.
     *
     * @return the report name of this metric
     */
    public String key() {
        return key;
    }
}
