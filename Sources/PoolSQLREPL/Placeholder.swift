import PoolSQLCore
import CReadline
