from mineresearch.cli.main import main

main()
