module example.com/vetbad

go 1.26
