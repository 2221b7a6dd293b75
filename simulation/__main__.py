from simulation.cli.main import main

raise SystemExit(main())
