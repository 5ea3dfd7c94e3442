namespace Mlflow.SpecGen;

/// <summary>One row of the route catalog (<c>mlflow-endpoints.tsv</c>).</summary>
internal sealed record CatalogRow(string Method, string Path, string RequestMessage, string ResponseMessage, string Area, string Source, string Since)
{
    /// <summary>The first MLflow release named in the <c>since</c> column, if any.</summary>
    public string? FirstRelease
    {
        get
        {
            const string marker = "first MLflow release ";
            var i = Since.IndexOf(marker, StringComparison.Ordinal);
            if (i < 0) return null;
            var rest = Since[(i + marker.Length)..];
            var end = rest.IndexOfAny([' ', ';', '(']);
            return end < 0 ? rest.Trim() : rest[..end].Trim();
        }
    }

    /// <summary>True when the catalog says the route was not yet released at the pinned commit.</summary>
    public bool Unreleased => Since.Contains("unreleased", StringComparison.Ordinal) || Since.Contains("post-snapshot", StringComparison.Ordinal);

    /// <summary>The RPC name for proto rows (<c>file.proto#Service.rpc</c>), else null.</summary>
    public string? RpcName
    {
        get
        {
            var hash = Source.IndexOf('#');
            if (hash < 0 || !Source.Contains(".proto", StringComparison.Ordinal)) return null;
            var rpc = Source[(hash + 1)..];
            var dot = rpc.LastIndexOf('.');
            return dot < 0 ? rpc : rpc[(dot + 1)..].Trim();
        }
    }

    /// <summary>Areas that the OSS server does not serve.</summary>
    public bool OutOfScope => Area is "databricks-only" or "uc-oss-only";
}

/// <summary>The route catalog: the inventory of MLflow's REST routes with area and first release.</summary>
internal sealed class Catalog
{
    public List<CatalogRow> Rows { get; } = new();

    public static Catalog Load(string path)
    {
        var catalog = new Catalog();
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            var c = line.Split('\t');
            catalog.Rows.Add(new CatalogRow(c[0], c[1], c[2], c[3], c[4], c[5], c.Length > 6 ? c[6] : ""));
        }
        return catalog;
    }

    /// <summary>Path templates compared with parameter names ignored.</summary>
    public static string NormalizeTemplate(string path)
    {
        var sb = new System.Text.StringBuilder();
        var depth = 0;
        foreach (var ch in path)
        {
            if (ch is '{' or '<') { depth++; sb.Append("{}"); continue; }
            if (ch is '}' or '>') { depth--; continue; }
            if (depth == 0) sb.Append(ch);
        }
        return sb.ToString();
    }

    public CatalogRow? Find(string method, string path)
    {
        var key = NormalizeTemplate(path);
        return Rows.FirstOrDefault(r => r.Method == method && NormalizeTemplate(r.Path) == key && !r.OutOfScope)
            ?? Rows.FirstOrDefault(r => r.Method == method && NormalizeTemplate(r.Path) == key);
    }
}
