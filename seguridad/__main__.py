from seguridad.cli import main

main()
