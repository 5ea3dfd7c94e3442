using Microsoft.Data.Sqlite;

namespace Mlflow.Testing.Store;

/// <summary>
/// The persistent store: one SQLite file (<c>mlflow.db</c> in the data directory) with two tables, <c>documents</c>
/// (kind, id, body) and <c>rows</c> (seq, kind, owner, body). WAL journal, one connection held for the server's
/// lifetime in exclusive locking mode (a second server on the same directory fails at start instead of diverging),
/// one transaction per <see cref="Apply"/>.
/// </summary>
internal sealed class SqliteStateStore : StateStore
{
    /// <summary>The schema this code writes; a file with another one is refused rather than misread.</summary>
    private const string SchemaVersion = "1";

    private readonly SqliteConnection connection;
    private readonly SqliteCommand put;
    private readonly SqliteCommand remove;
    private readonly SqliteCommand append;
    private readonly SqliteCommand removeRows;

    public SqliteStateStore(string databasePath)
    {
        connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            // Only this connection ever touches the file; waiting for a lock means another server holds it.
            DefaultTimeout = 1,
        }.ToString());
        try
        {
            connection.Open();
            Execute("PRAGMA locking_mode = EXCLUSIVE;");
            Execute("PRAGMA journal_mode = WAL;");
            Execute("PRAGMA synchronous = NORMAL;");
            Execute("""
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS documents (kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS rows (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, owner TEXT NOT NULL, body TEXT NOT NULL);
                CREATE INDEX IF NOT EXISTS rows_by_owner ON rows (kind, owner);
                INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', '1');
                """);
            using (var version = connection.CreateCommand())
            {
                version.CommandText = "SELECT value FROM meta WHERE key = 'schema'";
                var found = (string?)version.ExecuteScalar();
                if (found != SchemaVersion)
                    throw new InvalidOperationException($"The data directory's database '{databasePath}' has schema version {found}; this server reads version {SchemaVersion}.");
            }
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6)
        {
            connection.Dispose();
            throw new InvalidOperationException($"The database '{databasePath}' is in use by another embedded MLflow server; one data directory serves one server at a time.", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        put = Prepare("INSERT OR REPLACE INTO documents (kind, id, body) VALUES ($kind, $key, $body)", "$kind", "$key", "$body");
        remove = Prepare("DELETE FROM documents WHERE kind = $kind AND id = $key", "$kind", "$key");
        append = Prepare("INSERT INTO rows (kind, owner, body) VALUES ($kind, $key, $body)", "$kind", "$key", "$body");
        removeRows = Prepare("DELETE FROM rows WHERE kind = $kind AND owner = $key", "$kind", "$key");
    }

    public override bool IsPersistent => true;

    public override IEnumerable<(string Id, string Body)> LoadDocuments(string kind)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, body FROM documents WHERE kind = $kind";
        command.Parameters.AddWithValue("$kind", kind);
        using var reader = command.ExecuteReader();
        var result = new List<(string, string)>();
        while (reader.Read()) result.Add((reader.GetString(0), reader.GetString(1)));
        return result;
    }

    public override IEnumerable<(string Owner, string Body)> LoadRows(string kind)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT owner, body FROM rows WHERE kind = $kind ORDER BY seq";
        command.Parameters.AddWithValue("$kind", kind);
        using var reader = command.ExecuteReader();
        var result = new List<(string, string)>();
        while (reader.Read()) result.Add((reader.GetString(0), reader.GetString(1)));
        return result;
    }

    public override void Apply(IReadOnlyList<StoreChange> changes)
    {
        if (changes.Count == 0) return;
        using var transaction = connection.BeginTransaction();
        foreach (var change in changes)
        {
            var command = change switch
            {
                StoreChange.Put p => Bind(put, p.Kind, p.Id, p.Body),
                StoreChange.Remove r => Bind(remove, r.Kind, r.Id, null),
                StoreChange.Append a => Bind(append, a.Kind, a.Owner, a.Body),
                StoreChange.RemoveRows r => Bind(removeRows, r.Kind, r.Owner, null),
                _ => throw new InvalidOperationException(change.GetType().Name),
            };
            command.Transaction = transaction;
            command.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    public override void Dispose()
    {
        put.Dispose();
        remove.Dispose();
        append.Dispose();
        removeRows.Dispose();
        connection.Dispose();
    }

    private void Execute(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteCommand Prepare(string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in names) command.Parameters.Add(new SqliteParameter { ParameterName = name });
        command.Prepare();
        return command;
    }

    private static SqliteCommand Bind(SqliteCommand command, string kind, string key, string? body)
    {
        command.Parameters[0].Value = kind;
        command.Parameters[1].Value = key;
        if (body is not null) command.Parameters[2].Value = body;
        return command;
    }
}
