# Writes the malformed-config corpus (bad-configs/NN-name.yaml + NN-name.expect). Run: python3 bad-configs-generator.py
import os
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bad-configs")
BASE = """seed: 42
backend: cpu
data:
  type: seed-regression
  examples: 100
model:
  layers:
    - type: dense
      units: 10
      activation: tanh
    - type: dense
      units: 5
optimizer:
  name: sgd
  lr: 0.01
training:
  epochs: 2
"""
# A transformer on generated marked-token recall.
RECALL = """seed: 7
backend: cpu
data:
  type: marked-token-recall
  examples: 24
  vocabulary: 12
  min_length: 4
  max_length: 10
model:
  layers:
    - type: embedding
      embedding_dim: 8
    - type: transformer-encoder-layer
      nhead: 2
      dim_feedforward: 16
    - type: self-attention
      unit: multi-head
      num_heads: 2
    - type: sequence-classification-head
      num_classes: 12
optimizer:
  name: adam
training:
  epochs: 1
  batch_size: 8
"""
cases = [
 ("unknown-top-level-key", BASE.replace("optimizer:", "optimiser:"), ["FILE:13:1:", "config path `optimiser`", "unknown key 'optimiser'", "did you mean 'optimizer'?", "allowed keys:"], []),
 ("missing-optimizer", BASE.split("optimizer:")[0] + "training:\n  epochs: 2\n", ["config path `optimizer`", "missing", "expected an optimizer name"], []),
 ("missing-data", BASE.replace("data:\n  type: seed-regression\n  examples: 100\n", ""), ["config path `data`", "missing"], []),
 ("lr-is-text", BASE.replace("lr: 0.01", "lr: fast"), ["FILE:15:7:", "config path `optimizer.lr`", "found 'fast'", "expected a number"], []),
 ("lr-negative", BASE.replace("lr: 0.01", "lr: -1"), ["config path `optimizer.lr`", "found -1", "expected a number >= 0"], []),
 ("unknown-optimizer-option", BASE.replace("lr: 0.01", "lr: 0.01\n  momentun: 0.9"), ["FILE:16:3:", "config path `optimizer.momentun`", "no option 'momentun'", "did you mean 'momentum'?"], []),
 ("unknown-optimizer", BASE.replace("name: sgd", "name: sgdd"), ["FILE:14:9:", "config path `optimizer.name`", "unknown optimizer 'sgdd'", "did you mean 'sgd'?", "available:"], []),
 ("backend-from-missing-artifact", BASE.replace("backend: cpu", "backend: simd"), ["config path `backend`", "unknown backend 'simd'", "dev.heed:heed-backend-simd"], []),
 ("unknown-activation", BASE.replace("activation: tanh", "activation: tanhh"), ["FILE:10:19:", "config path `model.layers[0].activation`", "unknown activation 'tanhh'", "did you mean 'tanh'?"], []),
 ("unknown-backend", BASE.replace("backend: cpu", "backend: cpux"), ["FILE:2:10:", "config path `backend`", "unknown backend 'cpux'", "did you mean 'cpu'?", "or use auto"], []),
 ("backend-not-on-path", BASE.replace("backend: cpu", "backend: opencl"), ["config path `backend`", "unknown backend 'opencl'", "dev.heed:heed-backend-opencl"], []),
 ("units-zero", BASE.replace("units: 10", "units: 0"), ["FILE:9:14:", "config path `model.layers[0].units`", "found 0 (integer)", "expected an integer >= 1"], []),
 ("units-fraction", BASE.replace("units: 10", "units: 2.5"), ["config path `model.layers[0].units`", "found 2.5 (number)", "expected an integer"], []),
 ("output-size-mismatch", BASE.replace("units: 5", "units: 4"), ["FILE:12:14:", "config path `model.layers[1].units`", "found 4 outputs", "expected 5"], []),
 ("layer-without-type", BASE.replace("    - type: dense\n      units: 10", "    - units: 10"), ["config path `model.layers[0].type`", "missing", "expected the layer type"], []),
 ("unknown-layer-type", BASE.replace("    - type: dense\n      units: 10", "    - type: dens\n      units: 10"), ["FILE:8:13:", "config path `model.layers[0].type`", "unknown layer type 'dens'", "did you mean 'dense'?"], []),
 ("unknown-dense-key", BASE.replace("units: 10", "unit: 10"), ["config path `model.layers[0].unit`", "layer 'dense' has no option 'unit'", "did you mean 'units'?"], []),
 ("layers-empty", BASE.split("model:")[0] + "model:\n  layers: []\n" + "optimizer:" + BASE.split("optimizer:")[1], ["config path `model.layers`", "found a list of 0", "at least 1"], []),
 ("layers-not-a-list", BASE.split("model:")[0] + "model:\n  layers: dense\n" + "optimizer:" + BASE.split("optimizer:")[1], ["config path `model.layers`", "found 'dense' (text)", "expected a list"], []),
 ("unknown-data-type", BASE.replace("type: seed-regression", "type: seed-regresion"), ["FILE:4:9:", "config path `data.type`", "found 'seed-regresion'", "did you mean 'seed-regression'?", "expected one of csv"], []),
 ("csv-key-with-generated-data", BASE.replace("examples: 100", "examples: 100\n  path: data.csv"), ["config path `data.path`", "data set 'seed-regression' has no option 'path'", "its options are: examples, inputs, outputs, noise"], []),
 ("csv-missing-path", BASE.replace("type: seed-regression\n  examples: 100", "type: csv\n  label_columns: [y]"), ["config path `data.path`", "missing"], []),
 ("csv-file-absent", BASE.replace("type: seed-regression\n  examples: 100", "type: csv\n  path: no-such-file.csv\n  label_columns: [y]"), ["config path `data.path`", "found 'no-such-file.csv'", "no file"], []),
 ("validation-split-too-big", BASE.replace("epochs: 2", "epochs: 2\n  validation_split: 1.5"), ["FILE:18:21:", "config path `training.validation_split`", "found 1.5", "<= 0.9"], []),
 ("epochs-text", BASE.replace("epochs: 2", "epochs: many"), ["config path `training.epochs`", "found 'many' (text)", "expected an integer >= 1"], []),
 ("shuffle-not-boolean", BASE.replace("epochs: 2", "epochs: 2\n  shuffle: maybe"), ["config path `training.shuffle`", "found 'maybe'", "expected true or false"], []),
 ("target-metric-without-value", BASE.replace("epochs: 2", "epochs: 2\n  stop:\n    target_metric: val_mae"), ["config path `training.stop.target_metric`", "without target_value"], []),
 ("accuracy-for-regression", BASE.replace("epochs: 2", "epochs: 2\n  stop:\n    target_metric: val_accuracy\n    target_value: 0.9"), ["config path `training.stop.target_metric`", "found 'val_accuracy' for a regression task"], []),
 ("unknown-stop-key", BASE.replace("epochs: 2", "epochs: 2\n  stop:\n    target_los: 0.1"), ["FILE:19:5:", "config path `training.stop.target_los`", "did you mean 'target_loss'?"], []),
 ("yaml-java-tag", BASE.replace("seed: 42", "seed: !!java.net.URL [\"http://example.com\"]"), ["FILE:1:", "YAML tag", "tags are not allowed"], []),
 ("yaml-custom-tag", BASE.replace("lr: 0.01", "lr: !fast 0.01"), ["FILE:15:", "YAML tag '!fast'"], []),
 ("yaml-syntax-error", BASE.replace("  lr: 0.01", "  lr: [0.01"), ["FILE:16:9:", "not valid YAML: while parsing a flow sequence; expected ',' or ']'"], []),
 ("duplicate-key", BASE.replace("lr: 0.01", "lr: 0.01\n  lr: 0.02"), ["FILE:16:3:", "found the key 'lr' twice"], []),
 ("seed-text", BASE.replace("seed: 42", "seed: abc"), ["FILE:1:7:", "config path `seed`", "found 'abc' (text)", "expected an integer"], []),
 ("attention-unknown-unit", BASE.replace("    - type: dense\n      units: 10\n      activation: tanh\n", "    - type: attention\n      unit: feture\n    - type: dense\n      units: 10\n      activation: tanh\n"), ["config path `model.layers[0].unit`", "unknown attention 'feture'", "did you mean 'feature'?"], []),
 ("attention-bad-option", BASE.replace("    - type: dense\n      units: 10\n      activation: tanh\n", "    - type: attention\n      unit:\n        name: feature\n        normalization: relu\n    - type: dense\n      units: 10\n      activation: tanh\n"), ["FILE:11:24:", "config path `model.layers[0].unit.normalization`", "found 'relu'", "one of softmax, sigmoid"], []),
 ("initializer-unknown", BASE.replace("activation: tanh", "activation: tanh\n      weight_init: xavir"), ["config path `model.layers[0].weight_init`", "unknown initializer 'xavir'", "did you mean 'xavier'?"], []),
 ("loss-unknown", BASE.replace("optimizer:", "loss: mae\noptimizer:"), ["config path `loss`", "unknown loss 'mae'", "did you mean 'mse'?"], []),
 ("backend-auto-with-options", BASE.replace("backend: cpu", "backend:\n  name: auto\n  threads: 2"), ["config path `backend.threads`", "with backend auto"], []),
 ("set-unknown-key", BASE, ["--set optimizer.lrr=0.1", "config path `optimizer.lrr`", "no option 'lrr'", "did you mean 'lr'?"], ["optimizer.lrr=0.1"]),
 ("set-bad-value", BASE, ["--set training.epochs=-3", "config path `training.epochs`", "found -3 (integer)", "expected an integer >= 1"], ["training.epochs=-3"]),
 ("set-without-equals", BASE, ["--set training.epochs", "found no '='", "KEY.PATH=VALUE"], ["training.epochs"]),
 ("set-index-out-of-range", BASE, ["--set model.layers[5].units=3", "config path `model.layers`", "found a list of 2", "item [5]"], ["model.layers[5].units=3"]),
 ("model-inputs-mismatch", BASE.replace("model:\n", "model:\n  inputs: 12\n"), ["FILE:7:11:", "config path `model.inputs`", "found 12", "expected 10"], []),
 ("step-schedule-negative-gamma", BASE.replace("training:", "schedule:\n  name: step\n  step_size: 1\n  gamma: -0.5\ntraining:"), ["FILE:19:10:", "config path `schedule.gamma`", "found -0.5", "expected a number >= 0"], []),
 ("sequence-examples-beyond-an-array", RECALL.replace("examples: 24", "examples: 2147483647"), ["config path `data.examples`", "found 2147483647", "more than one Java array holds"], []),
 ("sequence-batch-beyond-an-array", RECALL.replace("batch_size: 8", "batch_size: 2147483647"), ["config path `training.batch_size`", "found 2147483647", "more than one Java array holds"], []),
 ("lm-head-on-one-target-per-sequence", RECALL.replace("    - type: sequence-classification-head\n      num_classes: 12\n", "    - type: lm-head\n"), ["config path `model.layers[3]`", "found a sequence [batch, positions, features] (rank 3) out of the last layer", "one target per sequence", "sequence-classification-head"], []),
 ("nhead-not-dividing-the-features", RECALL.replace("nhead: 2", "nhead: 3"), ["config path `model.layers[1].nhead`", "'nhead': 3 does not divide the input features (d_model) 8"], []),
 ("sequence-activations-beyond-the-heap", RECALL.replace("examples: 24", "examples: 4000").replace("max_length: 10", "max_length: 4000").replace("batch_size: 8", "batch_size: 4000"), ["config path `model.layers[1]`", "found layer 'transformer-encoder-layer' on batches of 4000 sequences × 4000 positions × 8 features", "more than half the JVM's heap", "lower training.batch_size"], []),
]
os.makedirs(out, exist_ok=True)
for f in os.listdir(out):
    os.remove(os.path.join(out, f))
for i, (name, text, expects, sets) in enumerate(cases, 1):
    fn = "%02d-%s.yaml" % (i, name)
    head = "".join("# set: %s\n" % s for s in sets) + "".join("# expect: %s\n" % e.replace("FILE", fn) for e in expects)
    # header lines shift line numbers: put expectations in a side file instead
    open(os.path.join(out, fn), "w").write(text)
    open(os.path.join(out, fn[:-5] + ".expect"), "w").write(head)
print(len(cases))
