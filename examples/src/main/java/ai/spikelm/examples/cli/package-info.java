/**
 * The {@code spikelm} command line: one picocli subcommand per task.
 *
 * <p>Run {@code ./spikelm --help} from the repository root for the list.
 */
package ai.spikelm.examples.cli;
