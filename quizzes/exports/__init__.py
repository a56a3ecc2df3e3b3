"""Moodle XML, QTI, SCORM packages and the downloads published with the site."""
