def test_login_join_and_message_round_trip(connect, unique):
    ana, ben = connect(), connect()
    ana.login(unique("ana"))
    ben.login(unique("ben"))
    assert ana.call("room:join", {"roomId": 1})["ok"]
    assert ben.call("room:join", {"roomId": 1})["ok"]
    ack = ana.call("room:message", {"roomId": 1, "message": "hello"})
    got = ben.wait_for("room:message:new", lambda d: d["message"]["id"] == ack["message"]["id"])
    assert got["message"]["content"] == "hello"
