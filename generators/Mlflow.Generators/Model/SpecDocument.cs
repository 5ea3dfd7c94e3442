using Mlflow.Generators.Helpers;

namespace Mlflow.Generators.Model
{
    // The parsed OpenAPI description. Value-equatable records only (no Roslyn symbols, syntax or locations), and
    // independent of any emission target: the Kiota emitters read it through ClientPlan, other emitters (webhook
    // payload union, example factories, facade) read it directly.

    /// <summary>What kind of value a schema (or a use of a schema) describes.</summary>
    internal enum TypeKind
    {
        /// <summary>A <c>$ref</c> to <c>#/components/schemas/{RefName}</c>.</summary>
        Ref,
        String,
        Int32,
        Int64,
        Double,
        Float,
        Boolean,
        /// <summary><c>string, format: byte</c> (base64).</summary>
        Bytes,
        /// <summary><c>string, format: binary</c> (raw bytes in a request or response body).</summary>
        Binary,
        /// <summary><c>string, format: date-time</c>.</summary>
        DateTime,
        /// <summary><c>{}</c>: any JSON value.</summary>
        Any,
        /// <summary><c>type: object</c> without properties or additionalProperties (a free-form JSON object).</summary>
        FreeObject,
        /// <summary><c>type: array</c>; <see cref="TypeSpec.Item"/> is the element type.</summary>
        Array,
        /// <summary><c>type: object, additionalProperties: X</c>; <see cref="TypeSpec.Item"/> is the value type.</summary>
        Map,
        /// <summary><c>oneOf</c> / <c>anyOf</c> with several non-null alternatives (<see cref="TypeSpec.Alternatives"/>).</summary>
        Union,
    }

    /// <summary>The type of a property, parameter or body.</summary>
    internal sealed record TypeSpec(TypeKind Kind, string? RefName = null, TypeSpec? Item = null, bool Nullable = false, string? Format = null, EquatableArray<TypeSpec> Alternatives = default)
    {
        public static readonly TypeSpec Any = new TypeSpec(TypeKind.Any);
        public static readonly TypeSpec String = new TypeSpec(TypeKind.String);
    }

    /// <summary>An <c>x-*</c> extension and its value as compact JSON text (kept for reference; planners read the typed records).</summary>
    internal sealed record ExtensionSpec(string Name, string Json);

    /// <summary>Where a node of the spec starts (1-based), for diagnostics.</summary>
    internal readonly record struct SpecPosition(int Line, int Column)
    {
        public static readonly SpecPosition Unknown = new SpecPosition(1, 1);
    }

    /// <summary>An operation's <c>x-mlflow-pagination</c>: the request's page-token parameter and the answer's fields.</summary>
    /// <param name="TokenParameter">The request's page-token parameter or body field (<c>page_token</c>).</param>
    /// <param name="NextTokenField">The answer's next-page token field (<c>next_page_token</c>).</param>
    /// <param name="ItemsField">The answer's list of items (<c>runs</c>).</param>
    /// <param name="MaxResultsParameter">The request's page-size parameter (<c>max_results</c>), or null.</param>
    internal sealed record PaginationSpec(string TokenParameter, string NextTokenField, string ItemsField, string? MaxResultsParameter);

    /// <summary>The <c>x-mlflow-*</c> extensions of an operation the generators use, read once by the parser.</summary>
    /// <param name="Since">The first MLflow release with the operation (<c>x-mlflow-since</c>); null when absent or unknown.</param>
    /// <param name="Pagination">The operation's paging fields (<c>x-mlflow-pagination</c>), or null.</param>
    /// <param name="WebhookEntity">A webhook's wire entity (<c>x-mlflow-entity</c>), or null.</param>
    /// <param name="WebhookAction">A webhook's wire action (<c>x-mlflow-action</c>), or null.</param>
    internal sealed record MlflowOperationExtensions(string? Since, PaginationSpec? Pagination, string? WebhookEntity, string? WebhookAction)
    {
        public static readonly MlflowOperationExtensions None = new MlflowOperationExtensions(null, null, null, null);
    }

    /// <summary>What a component schema declares.</summary>
    internal enum SchemaKind
    {
        /// <summary>An object with (possibly zero) named properties: becomes a model class.</summary>
        Object,
        /// <summary>A string enum.</summary>
        Enum,
        /// <summary>Anything else (array, map, primitive, any): an alias of <see cref="SchemaSpec.Alias"/>.</summary>
        Alias,
    }

    /// <summary>One property of an object schema.</summary>
    /// <param name="AlwaysWritten">Listed in the schema's <c>x-mlflow-always-written</c>: MLflow writes it in every answer.</param>
    internal sealed record PropertySpec(
        string Name,
        TypeSpec Type,
        bool Required,
        string? Description,
        bool Deprecated,
        string? ExampleJson,
        EquatableArray<ExtensionSpec> Extensions,
        string Pointer,
        bool AlwaysWritten = false,
        SpecPosition Position = default);

    /// <summary>A component schema (or an inline object/enum schema hoisted under a derived name).</summary>
    internal sealed record SchemaSpec(
        string Name,
        string Pointer,
        SchemaKind Kind,
        string? Description,
        bool Deprecated,
        EquatableArray<PropertySpec> Properties,
        EquatableArray<string> EnumValues,
        TypeSpec? Alias,
        string? ExampleJson,
        bool Synthesized,
        EquatableArray<ExtensionSpec> Extensions);

    /// <summary>An operation parameter (path, query, header or cookie).</summary>
    /// <param name="AllowSlashes">A path parameter marked <c>x-mlflow-allow-slashes: true</c> (its value keeps its slashes).</param>
    internal sealed record ParameterSpec(
        string Name,
        string In,
        bool Required,
        TypeSpec Type,
        string? Style,
        bool Explode,
        string? Description,
        bool Deprecated,
        EquatableArray<ExtensionSpec> Extensions,
        string Pointer,
        bool AllowSlashes = false,
        SpecPosition Position = default);

    /// <summary>One media type of a body.</summary>
    internal sealed record MediaSpec(string MediaType, TypeSpec? Type);

    /// <summary>A request body.</summary>
    internal sealed record RequestBodySpec(bool Required, string? Description, EquatableArray<MediaSpec> Content, SpecPosition Position = default);

    /// <summary>One response of an operation (<c>Status</c> is "200", "4XX" or "default").</summary>
    internal sealed record ResponseSpec(string Status, string? Description, string? ComponentName, EquatableArray<MediaSpec> Content);

    /// <summary>One HTTP operation.</summary>
    internal sealed record OperationSpec(
        string OperationId,
        string Method,
        string Path,
        string? Tag,
        string? Summary,
        string? Description,
        bool Deprecated,
        EquatableArray<ParameterSpec> Parameters,
        RequestBodySpec? RequestBody,
        EquatableArray<ResponseSpec> Responses,
        EquatableArray<ExtensionSpec> Extensions,
        string Pointer,
        MlflowOperationExtensions? Mlflow = null,
        SpecPosition Position = default)
    {
        /// <summary>The typed <c>x-mlflow-*</c> extensions (never null).</summary>
        public MlflowOperationExtensions MlflowExtensions => Mlflow ?? MlflowOperationExtensions.None;
    }

    /// <summary>An entry of the top-level <c>webhooks</c> object (key <c>entity.action</c>).</summary>
    internal sealed record WebhookSpec(string Key, OperationSpec Operation);

    /// <summary>Severity of a generator diagnostic.</summary>
    internal enum DiagnosticLevel
    {
        Error,
        Info,
    }

    /// <summary>A problem found in the spec, carried as plain values (file, JSON pointer, line/column).</summary>
    internal sealed record DiagnosticInfo(string Id, DiagnosticLevel Level, string FilePath, string Pointer, string Message, int Line, int Column);

    /// <summary>The whole parsed description.</summary>
    internal sealed record SpecDocument(
        string FilePath,
        string Title,
        string Version,
        string? ServerUrl,
        EquatableArray<OperationSpec> Operations,
        EquatableArray<SchemaSpec> Schemas,
        EquatableArray<WebhookSpec> Webhooks,
        EquatableArray<DiagnosticInfo> Diagnostics);
}
