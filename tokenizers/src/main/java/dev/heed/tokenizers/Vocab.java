package dev.heed.tokenizers;

import java.util.HashMap;
import java.util.Map;

/** A vocabulary: strings to ids and back. */
final class Vocab {
  final Map<String, Integer> ids;
  final String[] tokens;

  Vocab(Map<String, Integer> ids) {
    this.ids = new HashMap<>(ids);
    int max = -1;
    for (int id : ids.values()) {
      max = Math.max(max, id);
    }
    tokens = new String[max + 1];
    for (Map.Entry<String, Integer> e : ids.entrySet()) {
      tokens[e.getValue()] = e.getKey();
    }
  }

  int id(String token) {
    Integer id = ids.get(token);
    return id == null ? -1 : id;
  }

  String token(int id) {
    return id >= 0 && id < tokens.length ? tokens[id] : null;
  }

  int size() {
    return ids.size();
  }
}
