print("wistdns")
