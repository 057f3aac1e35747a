package dev.heed.vision;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import java.util.ArrayList;
import java.util.List;

/** What {@code max-pool2d} and {@code avg-pool2d} share: square windows over {@link Pool2d}. */
abstract class PoolProvider extends VisionProvider {
  private final Pool2d.Kind kind;
  private final OptionsSchema schema;

  PoolProvider(Pool2d.Kind kind) {
    this.kind = kind;
    List<OptionSpec> specs = new ArrayList<>();
    specs.add(positive("kernel_size", null, "height and width of a window"));
    specs.add(
        OptionSpec.integer("stride", 0, "step between windows (0: the kernel size)")
            .range(0, Integer.MAX_VALUE));
    specs.add(
        OptionSpec.integer("padding", 0, "padding on every side, at most half the kernel")
            .range(0, Integer.MAX_VALUE));
    if (kind == Pool2d.Kind.MAX) {
      specs.add(positive("dilation", 1, "spacing of a window's elements"));
    } else {
      specs.add(
          OptionSpec.bool(
              "count_include_pad", true, "divide by the whole window, padding included"));
    }
    specs.add(positive("channels", null, "channels of the input image"));
    specs.add(height());
    this.schema = OptionsSchema.of(specs.toArray(OptionSpec[]::new));
  }

  @Override
  final OptionsSchema schema() {
    return schema;
  }

  private Pool2d pool(Options o, ImageShape flat) {
    int k = o.getInt("kernel_size");
    int s = o.getInt("stride") == 0 ? k : o.getInt("stride");
    int p = o.getInt("padding");
    int d = kind == Pool2d.Kind.MAX ? o.getInt("dilation") : 1;
    boolean include = kind == Pool2d.Kind.MAX || o.getBoolean("count_include_pad");
    return new Pool2d(
        kind,
        new int[] {k, k},
        new int[] {s, s},
        new int[] {p, p},
        new int[] {d, d},
        include,
        flat);
  }

  @Override
  final Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    ImageShape in = image(owner, o, inputFeatures, o.getInt("channels"));
    Pool2d pool = pool(o, in);
    pool.output(in);
    return pool;
  }

  @Override
  final int outputs(String owner, Options o, int inputFeatures) {
    ImageShape in = image(owner, o, inputFeatures, o.getInt("channels"));
    return pool(o, in).output(in).features();
  }
}
