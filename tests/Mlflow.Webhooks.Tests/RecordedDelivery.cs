using System.Text;
using System.Text.Json;

namespace Mlflow.Webhooks.Tests;

/// <summary>One delivery of the wire corpus (tests/data/mlflow-wire/webhooks), as MLflow sent it.</summary>
public sealed class RecordedDelivery
{
    public const string Secret = "wire-corpus-secret";

    private static readonly Lazy<IReadOnlyList<RecordedDelivery>> Corpus = new(Load);

    private RecordedDelivery(string[] indexRow, JsonElement file)
    {
        Id = indexRow[0];
        Event = indexRow[1];
        TriggerKind = indexRow[2];
        SignatureOk = indexRow[4] == "True";
        Path = file.GetProperty("path").GetString()!;
        RecordedSecret = file.GetProperty("secret").GetString();
        var headers = file.GetProperty("headers");
        DeliveryId = HeaderOrNull(headers, "X-MLflow-Delivery-Id") ?? throw new InvalidDataException("no delivery id");
        Timestamp = HeaderOrNull(headers, "X-MLflow-Timestamp") ?? throw new InvalidDataException("no timestamp");
        Signature = HeaderOrNull(headers, "X-MLflow-Signature");
        RawBody = file.GetProperty("raw_body").GetString()!;
        Body = Encoding.UTF8.GetBytes(RawBody);
        Envelope = JsonDocument.Parse(RawBody).RootElement.Clone();
    }

    public static IReadOnlyList<RecordedDelivery> All => Corpus.Value;

    public static IEnumerable<RecordedDelivery> Signed => All.Where(d => d.SignatureOk);

    public static TheoryData<string> SignedIds => [.. Signed.Select(d => d.Id)];

    public string Id { get; }

    public string Event { get; }

    public string TriggerKind { get; }

    public bool SignatureOk { get; }

    public string Path { get; }

    public string? RecordedSecret { get; }

    public string DeliveryId { get; }

    public string Timestamp { get; }

    public string? Signature { get; }

    public string RawBody { get; }

    public byte[] Body { get; }

    /// <summary>The body parsed independently of the library under test.</summary>
    public JsonElement Envelope { get; }

    public long UnixSeconds => long.Parse(Timestamp, System.Globalization.CultureInfo.InvariantCulture);

    public DateTimeOffset SentAt => DateTimeOffset.FromUnixTimeSeconds(UnixSeconds);

    public static RecordedDelivery Get(string id) => All.Single(d => d.Id == id);

    public override string ToString() => $"{Id} {Event}";

    private static string? HeaderOrNull(JsonElement headers, string name) =>
        headers.TryGetProperty(name, out var value) ? value.GetString() : null;

    private static IReadOnlyList<RecordedDelivery> Load()
    {
        var folder = System.IO.Path.Combine(AppContext.BaseDirectory, "wire", "webhooks");
        var rows = File.ReadAllLines(System.IO.Path.Combine(folder, "index.tsv"))
            .Skip(1)
            .Where(line => line.Length > 0)
            .Select(line => line.Split('\t'));
        return rows
            .Select(row =>
            {
                var file = System.IO.Path.Combine(folder, System.IO.Path.GetFileName(row[5]));
                using var json = JsonDocument.Parse(File.ReadAllBytes(file));
                return new RecordedDelivery(row, json.RootElement.Clone());
            })
            .ToList();
    }
}
