package ai.spikelm.server;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The served models by name, and the lookups that turn a wrong name into the right error. */
final class ModelTable implements AutoCloseable {

    private final Map<String, ServedModel> models = new LinkedHashMap<>();

    void add(ServedModel model) {
        if (models.putIfAbsent(model.name(), model) != null) {
            throw new IllegalArgumentException("Two models are named '" + model.name() + "'");
        }
    }

    Collection<ServedModel> all() {
        return models.values();
    }

    ServedModel find(String name) {
        ServedModel model = models.get(name);
        if (model == null) {
            throw ApiException.unknownModel(name, models.keySet());
        }
        return model;
    }

    EncoderService encoder(String name) {
        if (find(name) instanceof EncoderService encoder) {
            return encoder;
        }
        throw ApiException.invalid("model", "'" + name + "' is a text generation model; embeddings come from " + names(EncoderService.class));
    }

    DecoderService decoder(String name) {
        if (find(name) instanceof DecoderService decoder) {
            return decoder;
        }
        throw ApiException.invalid("model", "'" + name + "' is an embedding model; text generation comes from " + names(DecoderService.class));
    }

    private List<String> names(Class<? extends ServedModel> kind) {
        List<String> names = new ArrayList<>();
        models.values().stream().filter(kind::isInstance).forEach(m -> names.add(m.name()));
        return names;
    }

    /** Closes every model, the last loaded first. */
    @Override
    public void close() {
        List<ServedModel> reversed = new ArrayList<>(models.values());
        java.util.Collections.reverse(reversed);
        RuntimeException first = null;
        for (ServedModel m : reversed) {
            try {
                m.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        models.clear();
        if (first != null) {
            throw first;
        }
    }
}
