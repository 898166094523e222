import PoolSQLREPL
print("poolsql")
