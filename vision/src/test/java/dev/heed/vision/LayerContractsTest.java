package dev.heed.vision;

import dev.heed.core.nn.LayerProvider;
import dev.heed.testkit.LayerContract;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/**
 * Every vision layer provider through the testkit's {@link LayerContract} (output shape, gradients
 * against central differences, seeds, state_dict names, float32 against float64, every backend
 * against the reference), fed flat rows as a config feeds them.
 */
class LayerContractsTest {

  @Nested
  class Conv2dContract extends LayerContract {
    @Override
    protected LayerProvider provider() {
      return new Conv2dProvider();
    }

    @Override
    protected Map<String, Object> options() {
      return Map.of(
          "in_channels", 2, "out_channels", 4, "kernel_size", 3, "padding", 1, "stride", 2);
    }

    @Override
    protected int inputFeatures() {
      return 2 * 5 * 5;
    }
  }

  @Nested
  class DepthwiseConv2dContract extends LayerContract {
    @Override
    protected LayerProvider provider() {
      return new Conv2dProvider();
    }

    @Override
    protected Map<String, Object> options() {
      return Map.of(
          "in_channels", 3,
          "out_channels", 3,
          "kernel_size", 2,
          "dilation", 2,
          "groups", 3,
          "height", 4,
          "bias", false);
    }

    @Override
    protected int inputFeatures() {
      return 3 * 4 * 5;
    }
  }

  @Nested
  class Conv1dContract extends LayerContract {
    @Override
    protected LayerProvider provider() {
      return new Conv1dProvider();
    }

    @Override
    protected Map<String, Object> options() {
      return Map.of("in_channels", 2, "out_channels", 3, "kernel_size", 3, "padding", 1);
    }

    @Override
    protected int inputFeatures() {
      return 2 * 7;
    }
  }

  @Nested
  class MaxPoolContract extends LayerContract {
    @Override
    protected LayerProvider provider() {
      return new MaxPool2dProvider();
    }

    @Override
    protected Map<String, Object> options() {
      return Map.of("kernel_size", 2, "channels", 2);
    }

    @Override
    protected int inputFeatures() {
      return 2 * 4 * 4;
    }
  }

  @Nested
  class AvgPoolContract extends LayerContract {
    @Override
    protected LayerProvider provider() {
      return new AvgPool2dProvider();
    }

    @Override
    protected Map<String, Object> options() {
      return Map.of(
          "kernel_size", 3, "stride", 2, "padding", 1, "channels", 2, "count_include_pad", false);
    }

    @Override
    protected int inputFeatures() {
      return 2 * 5 * 5;
    }
  }

  @Nested
  class AdaptiveAvgPoolContract extends LayerContract {
    @Override
    protected LayerProvider provider() {
      return new AdaptiveAvgPool2dProvider();
    }

    @Override
    protected Map<String, Object> options() {
      return Map.of("output_size", 2, "channels", 1);
    }

    @Override
    protected int inputFeatures() {
      return 25;
    }
  }

  @Nested
  class BatchNorm2dContract extends LayerContract {
    @Override
    protected LayerProvider provider() {
      return new BatchNorm2dProvider();
    }

    @Override
    protected Map<String, Object> options() {
      return Map.of("num_features", 2);
    }

    @Override
    protected int inputFeatures() {
      return 2 * 3 * 3;
    }
  }

  @Nested
  class BatchNorm1dContract extends LayerContract {
    @Override
    protected LayerProvider provider() {
      return new BatchNorm1dProvider();
    }
  }

  @Nested
  class FlattenContract extends LayerContract {
    @Override
    protected LayerProvider provider() {
      return new FlattenProvider();
    }
  }

  @Nested
  class NormalizeContract extends LayerContract {
    @Override
    protected LayerProvider provider() {
      return new NormalizeProvider();
    }

    @Override
    protected Map<String, Object> options() {
      return Map.of("mean", java.util.List.of(0.5, -0.25), "std", java.util.List.of(0.3, 2.0));
    }
  }

  @Nested
  class RandomCropContract extends LayerContract {
    @Override
    protected LayerProvider provider() {
      return new RandomCropProvider();
    }

    @Override
    protected Map<String, Object> options() {
      return Map.of("padding", 1);
    }

    @Override
    protected int inputFeatures() {
      return 9;
    }
  }

  @Nested
  class RandomFlipContract extends LayerContract {
    @Override
    protected LayerProvider provider() {
      return new RandomFlipProvider();
    }

    @Override
    protected int inputFeatures() {
      return 9;
    }
  }
}
