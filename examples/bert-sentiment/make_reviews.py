"""Writes examples/bert-sentiment/reviews.csv: 240 short reviews built from the words of the
example's tokenizer (cli/src/test/fixtures/make_tokenizer.py), labelled positive or negative by
the sentiment words they hold. Python 3.11, standard library only:
python3 examples/bert-sentiment/make_reviews.py
"""

import csv
import pathlib
import random

rng = random.Random(18)
POSITIVE = "good great fine nice lovely wonderful excellent brilliant superb amazing enjoyable fun".split()
NEGATIVE = "bad poor awful terrible boring dull weak horrible dreadful painful tedious mess".split()
LIKE = "liked loved enjoyed".split()
HATE = "hated disliked".split()
SUBJECTS = "movie film story plot acting actors music ending scenes characters".split()
INTENSIFIERS = ["", "very ", "really ", "quite ", "so "]


def review(positive):
    words = POSITIVE if positive else NEGATIVE
    verbs = LIKE if positive else HATE
    s = rng.choice(SUBJECTS)
    forms = [
        f"the {s} was {rng.choice(INTENSIFIERS)}{rng.choice(words)}",
        f"i {rng.choice(verbs)} the {s}",
        f"{rng.choice(['a', 'an'])} {rng.choice(words)} {s} .",
        f"we watched it . the {s} is {rng.choice(words)} !",
        f"{rng.choice(['he', 'she', 'they'])} {rng.choice(verbs)} it , {rng.choice(words)} {s}",
    ]
    return rng.choice(forms)


rows = []
for i in range(240):
    positive = i % 2 == 0
    rows.append((review(positive), "positive" if positive else "negative"))
rng.shuffle(rows)
out = pathlib.Path(__file__).resolve().parent / "reviews.csv"
with out.open("w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["text", "label"])
    w.writerows(rows)
