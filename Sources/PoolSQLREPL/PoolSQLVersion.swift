/// The version `poolsql --version` prints.
public enum PoolSQLVersion {
    public static let current = "0.1.0"
}
