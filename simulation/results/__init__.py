"""Results on disk: result folders written atomically (``folders``), manifests and provenance
(``manifest``), a run's folder written (``run_output``) and read back (``run_tables``), and
``Results``, the tables of a run or comparison as saved or loaded (``collection``)."""
