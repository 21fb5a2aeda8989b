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

from manifest_slides import ManifestError, known_markers, slide_ids, slide_images  # noqa: E402


class ManifestSlidesTests(unittest.TestCase):
    def write(self, name, text, encoding="utf-8", images=()):
        """Writes a manifest into a fresh folder, with an (empty) file for each of `images`."""
        folder = tempfile.mkdtemp()
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", folder], check=False))
        path = os.path.join(folder, name)
        with open(path, "w", encoding=encoding, newline="") as handle:
            handle.write(text)
        for image in images:
            os.makedirs(os.path.dirname(os.path.join(folder, image)), exist_ok=True)
            open(os.path.join(folder, image), "w").close()
        return path

    def test_default_id_is_patient_timepoint_marker_lower_cased(self):
        path = self.write("m.tsv", "Patient\tTimepoint\tMarker\tImage\n"
                                   "P01\tPRE\tPDL1\ta.png\nP01\tpost\tpdl1\tb.png\nP01\tpre\tpdl1\tc.png\n")
        self.assertEqual(slide_ids(path, check_files=False), ["P01_pre_pdl1", "P01_post_pdl1"])
        self.assertEqual(slide_images(path, check_files=False)["P01_pre_pdl1"], ["a.png", "c.png"])

    def test_slide_column_wins_when_not_empty(self):
        path = self.write("m.csv", "patient,timepoint,marker,image,slide\n"
                                   "P01,pre,pdl1,a.png,S-1\nP01,pre,pdl1,b.png,\n")
        self.assertEqual(slide_ids(path, check_files=False), ["S-1", "P01_pre_pdl1"])

    def test_extension_decides_the_delimiter_then_the_header(self):
        # A .csv whose fields contain tabs is still comma-separated.
        path = self.write("m.csv", "patient,timepoint,marker,image\nP\t1,pre,ki67,a b.png\n")
        self.assertEqual(slide_ids(path, check_files=False), ["P\t1_pre_ki67"])
        path = self.write("sheet.txt", "patient\ttimepoint\tmarker\timage\nP2\tpost\tcrt\tx.png\n")
        self.assertEqual(slide_ids(path, check_files=False), ["P2_post_crt"])
        path = self.write("sheet.txt", "patient,timepoint,marker,image\nP3,post,crt,x.png\n")
        self.assertEqual(slide_ids(path, check_files=False), ["P3_post_crt"])

    def test_bom_quotes_spaces_crlf_and_blank_rows(self):
        path = self.write("m.csv", "\ufeffpatient, timepoint ,marker,image\r\n"
                                   "\r\n"
                                   " P01 ,pre,\"hla1\",\"dir, with comma/a.png\"\r\n")
        self.assertEqual(slide_ids(path, check_files=False), ["P01_pre_hla1"])
        self.assertEqual(slide_images(path, check_files=False)["P01_pre_hla1"], ["dir, with comma/a.png"])

    def test_rows_stainshift_rejects_belong_to_no_slide(self):
        header = "patient\ttimepoint\tmarker\timage\tpixel_size\toutcome\tslide\n"
        rows = [
            "P01\tduring\tpdl1\ta.png\t\t\t",           # bad timepoint
            "P02\tpre\t\tb.png\t\t\t",                  # empty marker
            "P03\tpre\tpdl1\tc.png",                       # too few fields
            "P04\tpre\tcd8\td.png\t\t\t",               # unknown marker
            "P05\tpre\tpdl1\te.png\t-1\t\t",            # bad pixel_size
            "P06\tpre\tpdl1\tf.png\t\tmaybe\t",         # bad outcome
            "P07\tpre\tpdl1\tmissing.png\t\t\t",        # image not on disk
            "P08\tpre\tpdl1\tg.png\t\t\t",              # kept
            "P08\tpre\tpdl1\tg.png\t\t\t",              # duplicate
            "P09\tpre\tpdl1\th.png\t\t\tP08_pre_pdl1",  # slide owned by another patient
            "P08\tpre\tpdl1\ti.png\t0.5\t\t",           # other pixel_size, same slide
            "P10\tpost\tki67\tj.png\t0.25\tyes\t",      # kept
            "P10\tpre\tki67\tk.png\t\tno\t",            # outcome contradicts P10's
        ]
        images = [f"{name}.png" for name in "abcdefghijk"]
        path = self.write("m.tsv", header + "\n".join(rows) + "\n", images=images)
        self.assertEqual(slide_ids(path), ["P08_pre_pdl1", "P10_post_ki67"])
        self.assertEqual(slide_images(path)["P08_pre_pdl1"], ["g.png"])
        # Without the file check the missing image's row counts.
        self.assertIn("P07_pre_pdl1", slide_ids(path, check_files=False))

    def test_markers_config_adds_known_markers(self):
        config = self.write("markers.json", '{"markers": [{"name": "CD8", "primary": "membrane"}]}')
        self.assertEqual(known_markers(config), {"pdl1", "hla1", "crt", "hmgb1", "ki67", "cd8"})
        bare = self.write("markers.json", '[{"name": "pdl1", "thresholds": {"weak": 0.1}}]')
        self.assertEqual(known_markers(bare), {"pdl1", "hla1", "crt", "hmgb1", "ki67"})
        path = self.write("m.tsv", "patient\ttimepoint\tmarker\timage\nP1\tpre\tCD8\ta.png\n", images=["a.png"])
        self.assertEqual(slide_ids(path), [])
        self.assertEqual(slide_ids(path, known_markers(config)), ["P1_pre_cd8"])
        with self.assertRaisesRegex(ManifestError, "not a marker config"):
            known_markers(self.write("markers.json", "{not json"))

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
        path = self.write("m.tsv", "patient\ttimepoint\tmarker\timage\nP1\tpre\tpdl1\ta.png\n", images=["a.png"])
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
