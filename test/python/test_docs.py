"""The Python examples of docs/python.md and README.md run as written against a real `provml serve`."""

import os
import re
import subprocess
import sys
import tempfile
import unittest

from support import REPO, require, shared_server

BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def examples(path: str):
    with open(os.path.join(REPO, path), encoding="utf-8") as handle:
        text = handle.read()
    return [code for code in BLOCK.findall(text) if "close(" in code]  # whole programs, not one-line fragments


class DocsExamplesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = shared_server()

    def run_example(self, code: str) -> str:
        if "import torch" in code:
            require("torch")
        if "sklearn" in code:
            require("sklearn")
        env = {**os.environ, "PYTHONPATH": os.path.join(REPO, "src", "python"), "PROVML_URL": self.server.url}
        done = subprocess.run([sys.executable, "-c", code], cwd=tempfile.mkdtemp(),
                              env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(done.returncode, 0, f"{code}\n--- stderr:\n{done.stderr}")
        self.assertNotIn("ProvmlWarning", done.stderr)  # delivered without trouble
        return done.stdout

    def test_docs_python_md_examples(self):
        found = examples("docs/python.md")
        self.assertGreaterEqual(len(found), 3)
        for code in found:
            with self.subTest(code=code.splitlines()[0:3]):
                self.run_example(code)

    def test_readme_example(self):
        found = examples("README.md")
        self.assertEqual(len(found), 1)
        self.assertIn("complete=True", self.run_example(found[0]))


if __name__ == "__main__":
    unittest.main()
