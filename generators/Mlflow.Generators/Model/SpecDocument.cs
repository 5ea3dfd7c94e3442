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

    /// <summary>One of the document's <c>x-mlflow-wire</c> notes: a wire convention every operation follows.</summary>
    /// <param name="Topic">The note's key (<c>int64AsString</c>, <c>nonFiniteDoubles</c>, <c>fieldNames</c>...).</param>
    /// <param name="Text">What the convention is, in words.</param>
    internal sealed record WireNote(string Topic, string Text);

    /// <summary>Where a node of the spec starts (1-based), for diagnostics.</summary>
    internal readonly record struct SpecPosition(int Line, int Column);

    /// <summary>An operation's <c>x-mlflow-pagination</c>: the request's page-token parameter and the answer's fields.</summary>
    /// <param name="TokenParameter">The request's page-token parameter or body field (<c>page_token</c>).</param>
    /// <param name="NextTokenField">The answer's next-page token field (<c>next_page_token</c>).</param>
    /// <param name="ItemsField">The answer's list of items (<c>runs</c>).</param>
    /// <param name="MaxResultsParameter">The request's page-size parameter (<c>max_results</c>), or null.</param>
    internal sealed record PaginationSpec(string TokenParameter, string NextTokenField, string ItemsField, string? MaxResultsParameter);

    /// <summary>The <c>x-mlflow-*</c> extensions of an operation (or webhook), read once by the parser.</summary>
    /// <param name="Since">The first MLflow release with the operation (<c>x-mlflow-since</c>); null when absent or unknown.</param>
    /// <param name="Pagination">The operation's paging fields (<c>x-mlflow-pagination</c>), or null.</param>
    /// <param name="WebhookEntity">A webhook's wire entity (<c>x-mlflow-entity</c>), or null.</param>
    /// <param name="WebhookAction">A webhook's wire action (<c>x-mlflow-action</c>), or null.</param>
    /// <param name="Unreleased">The release expected to ship an operation the pinned MLflow commit has but no release does yet (<c>x-mlflow-unreleased</c>).</param>
    /// <param name="Api">The REST API version of the route (<c>x-mlflow-api</c>: <c>2.0</c>, <c>3.0</c> or <c>none</c>).</param>
    /// <param name="Servers">Which servers answer it (<c>x-mlflow-server</c>, a name or a list: <c>tracking</c>, <c>tracking-auth</c>, <c>deployments</c>).</param>
    /// <param name="Source">Where MLflow defines it (<c>x-mlflow-source</c>: a proto RPC or a server module).</param>
    /// <param name="Rpc">The proto RPC name (<c>x-mlflow-rpc</c>), for routes declared in MLflow's protos.</param>
    /// <param name="Visibility">The proto's visibility (<c>x-mlflow-visibility</c>: <c>PUBLIC</c>, <c>PUBLIC_UNDOCUMENTED</c>...).</param>
    /// <param name="CopyOf">For an <c>/ajax-api</c> twin: the operation it repeats (<c>x-mlflow-copy-of</c>).</param>
    /// <param name="AjaxMirror">The server also answers the route under <c>/ajax-api</c> (<c>x-mlflow-ajax-mirror</c>).</param>
    /// <param name="BareNonFiniteNumbers">The answer may hold the bare, non-JSON tokens <c>NaN</c> and <c>Infinity</c> (<c>x-mlflow-bare-nonfinite-numbers</c>).</param>
    internal sealed record MlflowOperationExtensions(
        string? Since,
        PaginationSpec? Pagination,
        string? WebhookEntity,
        string? WebhookAction,
        string? Unreleased = null,
        string? Api = null,
        EquatableArray<string> Servers = default,
        string? Source = null,
        string? Rpc = null,
        string? Visibility = null,
        string? CopyOf = null,
        bool AjaxMirror = false,
        bool BareNonFiniteNumbers = false)
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
    /// <param name="OneOf">The proto <c>oneof</c> group the field belongs to (<c>x-mlflow-oneof</c>), or null.</param>
    /// <param name="WellKnownType">The protobuf well-known type the field carries (<c>x-mlflow-wkt</c>: <c>duration</c>, <c>value</c>...), or null.</param>
    internal sealed record PropertySpec(
        string Name,
        TypeSpec Type,
        bool Required,
        string? Description,
        bool Deprecated,
        string? ExampleJson,
        string Pointer,
        bool AlwaysWritten = false,
        SpecPosition Position = default,
        string? OneOf = null,
        string? WellKnownType = null);

    /// <summary>A component schema (or an inline object/enum schema hoisted under a derived name).</summary>
    /// <param name="Proto">The proto message or enum it comes from (<c>x-mlflow-proto</c>), or null.</param>
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
        string? Proto = null);

    /// <summary>An operation parameter (path, query, header or cookie).</summary>
    /// <param name="AllowSlashes">A path parameter marked <c>x-mlflow-allow-slashes: true</c> (its value keeps its slashes).</param>
    /// <param name="BodyField">The body field the server fills from this path parameter (<c>x-mlflow-body-field</c>), or null.</param>
    internal sealed record ParameterSpec(
        string Name,
        string In,
        bool Required,
        TypeSpec Type,
        string? Style,
        bool Explode,
        string? Description,
        bool Deprecated,
        string Pointer,
        bool AllowSlashes = false,
        SpecPosition Position = default,
        string? BodyField = null);

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
    /// <param name="WireNotes">The document's <c>x-mlflow-wire</c> notes, in document order.</param>
    internal sealed record SpecDocument(
        string FilePath,
        string Title,
        string Version,
        string? ServerUrl,
        EquatableArray<OperationSpec> Operations,
        EquatableArray<SchemaSpec> Schemas,
        EquatableArray<WebhookSpec> Webhooks,
        EquatableArray<DiagnosticInfo> Diagnostics,
        EquatableArray<WireNote> WireNotes = default);
}
