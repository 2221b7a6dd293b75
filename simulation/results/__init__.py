"""Results on disk: result folders written atomically, manifests and provenance, and
``Results``, the tables of a run or comparison as saved or loaded."""
