package ai.spikelm.zoo.eval;

import java.util.List;

/**
 * How well a retriever ranks the answering passage of each question.
 *
 * @param questions the number of questions
 * @param depth how many passages were retrieved per question
 * @param hitAt1 the fraction of questions whose first passage answers them
 * @param hitAtDepth the fraction answered within the first {@code depth} passages
 * @param mrr the mean reciprocal rank of the first answering passage (0 when none is retrieved)
 */
public record RetrievalResult(int questions, int depth, double hitAt1, double hitAtDepth, double mrr) {

    /**
     * Scores ranks.
     *
     * @param ranks the 1-based rank of the first answering passage of each question, 0 when none
     *     of the {@code depth} retrieved answers it
     * @param depth how many passages were retrieved per question
     * @return the result
     * @throws IllegalArgumentException if there are no ranks or a rank is outside [0, depth]
     */
    public static RetrievalResult of(List<Integer> ranks, int depth) {
        if (ranks.isEmpty()) {
            throw new IllegalArgumentException("no questions to score");
        }
        double hit1 = 0;
        double hitK = 0;
        double reciprocal = 0;
        for (int rank : ranks) {
            if (rank < 0 || rank > depth) {
                throw new IllegalArgumentException("rank " + rank + " is outside [0, " + depth + "]");
            }
            if (rank > 0) {
                hit1 += rank == 1 ? 1 : 0;
                hitK += 1;
                reciprocal += 1.0 / rank;
            }
        }
        int n = ranks.size();
        return new RetrievalResult(n, depth, hit1 / n, hitK / n, reciprocal / n);
    }
}
