package dev.heed.optimizers.schedules;

import dev.heed.core.Plugins;
import dev.heed.core.optim.Schedule;
import dev.heed.core.optim.ScheduleProvider;
import dev.heed.core.plugin.OptionsException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inner schedules of a composite, written in one text option as {@code name(key=value, …)},
 * several separated by {@code ;}: for example {@code "linear(start_factor=0.1, total_iters=5);
 * cosine(t_max=95)"}. A value holding commas or parentheses is quoted: {@code
 * multi-step(milestones='30,80')}. Names are looked up in the shared registry, so any installed
 * schedule can be composed. An inner schedule that has an {@code interval} option and does not set
 * it follows the composite's clock.
 */
final class ScheduleSpecs {
  private ScheduleSpecs() {}

  /** One parsed {@code name(key=value, …)}. */
  record Spec(String name, Map<String, String> options) {}

  static List<Spec> parse(String owner, String option, String text) {
    List<Spec> out = new ArrayList<>();
    int i = 0;
    int n = text.length();
    while (true) {
      int start = i;
      while (i < n && text.charAt(i) != '(' && text.charAt(i) != ';') {
        i++;
      }
      String name = text.substring(start, i).trim();
      if (name.isEmpty()) {
        throw error(owner, option, text, "a schedule name is missing at position " + start);
      }
      Map<String, String> options = new LinkedHashMap<>();
      if (i < n && text.charAt(i) == '(') {
        i++;
        while (true) {
          while (i < n && Character.isWhitespace(text.charAt(i))) {
            i++;
          }
          if (i < n && text.charAt(i) == ')') {
            i++;
            break;
          }
          int eq = text.indexOf('=', i);
          if (eq < 0) {
            throw error(owner, option, text, "expected key=value after position " + i);
          }
          String key = text.substring(i, eq).trim();
          i = eq + 1;
          while (i < n && Character.isWhitespace(text.charAt(i))) {
            i++;
          }
          String value;
          if (i < n && (text.charAt(i) == '\'' || text.charAt(i) == '"')) {
            int close = text.indexOf(text.charAt(i), i + 1);
            if (close < 0) {
              throw error(owner, option, text, "an unclosed quote at position " + i);
            }
            value = text.substring(i + 1, close);
            i = close + 1;
          } else {
            int from = i;
            while (i < n && text.charAt(i) != ',' && text.charAt(i) != ')') {
              i++;
            }
            value = text.substring(from, i).trim();
          }
          options.put(key, value);
          while (i < n && Character.isWhitespace(text.charAt(i))) {
            i++;
          }
          if (i < n && text.charAt(i) == ',') {
            i++;
          } else if (i < n && text.charAt(i) == ')') {
            i++;
            break;
          } else {
            throw error(owner, option, text, "expected ',' or ')' at position " + i);
          }
        }
        while (i < n && Character.isWhitespace(text.charAt(i))) {
          i++;
        }
      }
      out.add(new Spec(name, options));
      if (i >= n) {
        return out;
      }
      if (text.charAt(i) != ';') {
        throw error(owner, option, text, "expected ';' between schedules at position " + i);
      }
      i++;
    }
  }

  /** The schedule {@code spec} names, following {@code interval} unless it sets its own. */
  static Schedule create(String owner, String option, Spec spec, Interval interval) {
    String where = owner + " option '" + option + "'";
    ScheduleProvider provider;
    try {
      provider = Plugins.shared().schedules().get(spec.name());
    } catch (RuntimeException e) {
      throw new OptionsException(option, where + ": " + e.getMessage());
    }
    Map<String, Object> raw = new LinkedHashMap<>(spec.options());
    if (provider.options().find(Interval.OPTION) != null && !raw.containsKey(Interval.OPTION)) {
      raw.put(Interval.OPTION, interval.word());
    }
    return provider.create(
        provider.options().resolve(where + ": schedule '" + provider.name() + "'", raw));
  }

  private static OptionsException error(String owner, String option, String text, String what) {
    return new OptionsException(
        option,
        owner
            + " option '"
            + option
            + "': cannot read '"
            + text
            + "': "
            + what
            + "; write schedules as name(key=value, ...) separated by ';', for example"
            + " \"linear(start_factor=0.1, total_iters=5); cosine(t_max=95)\"");
  }
}
