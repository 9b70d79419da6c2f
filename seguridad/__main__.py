from seguridad.cli.app import main

main()
