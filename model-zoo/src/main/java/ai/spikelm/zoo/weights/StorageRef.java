package ai.spikelm.zoo.weights;

/**
 * A storage as a pickled state dict names it, by the persistent id {@code ('storage', type, key,
 * location, numel)} that {@code torch.save} writes for it.
 *
 * @param key the record name under {@code <archive>/data/}
 * @param dtype the element type its storage class implies
 * @param typeName the storage class, such as {@code torch.FloatStorage}
 * @param location the device it was saved from, such as {@code cpu}
 * @param numel the number of elements the record holds
 */
record StorageRef(String key, TensorDType dtype, String typeName, String location, long numel) {}
