"""The renderers: typesetting, documents, slides, exercises and figures built on the library."""
