WistDNSCommand.main()
