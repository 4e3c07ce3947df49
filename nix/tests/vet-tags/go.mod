module example.com/vettags

go 1.26
