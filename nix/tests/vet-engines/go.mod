module example.com/vetengines

go 1.26
