import PoolSQLCore
import CMongoC
