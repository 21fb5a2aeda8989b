"""Checks pipelines/common/manifest_slides.py names slides the way stainshift does.

Run: python3 -m unittest discover -s pipelines/tests -p 'test_*.py'
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
COMMON = os.path.join(HERE, "..", "common")
sys.path.insert(0, COMMON)

from manifest_slides import ManifestError, slide_ids, slide_images  # noqa: E402


class ManifestSlidesTests(unittest.TestCase):
    def write(self, name, text, encoding="utf-8"):
        folder = tempfile.mkdtemp()
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", folder], check=False))
        path = os.path.join(folder, name)
        with open(path, "w", encoding=encoding, newline="") as handle:
            handle.write(text)
        return path

    def test_default_id_is_patient_timepoint_marker_lower_cased(self):
        path = self.write("m.tsv", "Patient\tTimepoint\tMarker\tImage\n"
                                   "P01\tPRE\tPDL1\ta.png\nP01\tpost\tpdl1\tb.png\nP01\tpre\tpdl1\tc.png\n")
        self.assertEqual(slide_ids(path), ["P01_pre_pdl1", "P01_post_pdl1"])
        self.assertEqual(slide_images(path)["P01_pre_pdl1"], ["a.png", "c.png"])

    def test_slide_column_wins_when_not_empty(self):
        path = self.write("m.csv", "patient,timepoint,marker,image,slide\n"
                                   "P01,pre,pdl1,a.png,S-1\nP01,pre,pdl1,b.png,\n")
        self.assertEqual(slide_ids(path), ["S-1", "P01_pre_pdl1"])

    def test_extension_decides_the_delimiter_then_the_header(self):
        # A .csv whose fields contain tabs is still comma-separated.
        path = self.write("m.csv", "patient,timepoint,marker,image\nP\t1,pre,ki67,a b.png\n")
        self.assertEqual(slide_ids(path), ["P\t1_pre_ki67"])
        path = self.write("sheet.txt", "patient\ttimepoint\tmarker\timage\nP2\tpost\tcrt\tx.png\n")
        self.assertEqual(slide_ids(path), ["P2_post_crt"])
        path = self.write("sheet.txt", "patient,timepoint,marker,image\nP3,post,crt,x.png\n")
        self.assertEqual(slide_ids(path), ["P3_post_crt"])

    def test_bom_quotes_spaces_crlf_and_blank_rows(self):
        path = self.write("m.csv", "\ufeffpatient, timepoint ,marker,image\r\n"
                                   "\r\n"
                                   " P01 ,pre,\"hla1\",\"dir, with comma/a.png\"\r\n")
        self.assertEqual(slide_ids(path), ["P01_pre_hla1"])
        self.assertEqual(slide_images(path)["P01_pre_hla1"], ["dir, with comma/a.png"])

    def test_rows_stainshift_rejects_belong_to_no_slide(self):
        path = self.write("m.tsv", "patient\ttimepoint\tmarker\timage\n"
                                   "P01\tduring\tpdl1\ta.png\n"   # bad timepoint
                                   "P02\tpre\t\tb.png\n"          # empty marker
                                   "P03\tpre\tpdl1\n"             # too few fields
                                   "P04\tpre\tpdl1\td.png\n")
        self.assertEqual(slide_ids(path), ["P04_pre_pdl1"])

    def test_unusable_manifests_raise_a_one_line_error(self):
        with self.assertRaisesRegex(ManifestError, "missing required column.*image"):
            slide_ids(self.write("m.tsv", "patient\ttimepoint\tmarker\nP\tpre\tpdl1\n"))
        with self.assertRaisesRegex(ManifestError, "no header"):
            slide_ids(self.write("m.tsv", ""))
        with self.assertRaisesRegex(ManifestError, "no such file"):
            slide_ids("/nonexistent/manifest.tsv")
        with self.assertRaisesRegex(ManifestError, "not UTF-8"):
            slide_ids(self.write("m.tsv", "patient\ttimepoint\tmarker\timage\nP\xe9\tpre\tpdl1\ta\n",
                                 encoding="latin-1"))

    def test_script_prints_json_for_cwl_and_exits_64_on_a_bad_manifest(self):
        script = os.path.join(COMMON, "manifest_slides.py")
        path = self.write("m.tsv", "patient\ttimepoint\tmarker\timage\nP1\tpre\tpdl1\ta.png\n")
        done = subprocess.run([sys.executable, script, path], capture_output=True, text=True)
        self.assertEqual(done.returncode, 0)
        self.assertEqual(json.loads(done.stdout), {"slides": ["P1_pre_pdl1"]})
        bad = self.write("m.tsv", "patient\n")
        done = subprocess.run([sys.executable, script, bad], capture_output=True, text=True)
        self.assertEqual(done.returncode, 64)
        self.assertIn("missing required column", done.stderr)
        self.assertEqual(done.stdout, "")


if __name__ == "__main__":
    unittest.main()
