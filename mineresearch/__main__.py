from mineresearch.cli import main

main()
