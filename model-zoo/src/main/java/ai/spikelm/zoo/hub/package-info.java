/**
 * A client for the Hugging Face Hub that downloads model files into the cache huggingface_hub uses,
 * so that Java and Python share downloads.
 *
 * <ul>
 *   <li>{@link ai.spikelm.zoo.hub.HubClient} downloads files ({@code download}), sets of files from
 *       one commit ({@code snapshot}) and tells what is cached ({@code isCached}); its builder
 *       takes the endpoint, token, cache directory, offline mode, timeout and retries, defaulting
 *       to the {@code HF_*} environment variables;
 *   <li>{@link ai.spikelm.zoo.hub.ModelId} parses and validates {@code org/name@revision};
 *   <li>{@link ai.spikelm.zoo.hub.ProgressListener} receives download progress;
 *   <li>{@link ai.spikelm.zoo.hub.HubException} and its subclasses name each reason a file cannot
 *       be had.
 * </ul>
 *
 * <p>Only the JDK is used: {@code java.net.http} for HTTP, {@code MessageDigest} for checksums and
 * file locks for coordination between processes.
 */
package ai.spikelm.zoo.hub;
