namespace Mlflow.SpecGen;

/// <summary>
/// Stand-ins for option declarations an MLflow proto folder may lack. Written for this tool: they declare only
/// what the REST surface needs (the option names, numbers and shapes MLflow's protos use), nothing else.
/// </summary>
internal static class FallbackProtos
{
    /// <summary>
    /// MLflow's method and field options (<c>(rpc)</c> with HTTP endpoints and visibility, <c>(validate_required)</c>,
    /// <c>(visibility)</c>, <c>(json_inline)</c>, <c>(json_map)</c>), used when <c>databricks.proto</c> is absent.
    /// </summary>
    public const string Databricks = """
        syntax = "proto2";
        package mlflow;
        import "google/protobuf/descriptor.proto";

        extend google.protobuf.FieldOptions {
          optional Visibility visibility = 51310;
          optional bool validate_required = 51311;
          optional bool json_inline = 51312;
          optional bool json_map = 51313;
        }

        extend google.protobuf.MethodOptions {
          optional DatabricksRpcOptions rpc = 51310;
        }

        extend google.protobuf.EnumValueOptions {
          optional Visibility enum_value_visibility = 51310;
        }

        message DatabricksRpcOptions {
          repeated HttpEndpoint endpoints = 1;
          optional Visibility visibility = 2;
          optional string rpc_doc_title = 5;
        }

        message HttpEndpoint {
          optional string method = 1 [default = "POST"];
          optional string path = 2;
          optional ApiVersion since = 3;
        }

        message ApiVersion {
          optional int32 major = 1;
          optional int32 minor = 2;
        }

        enum Visibility {
          PUBLIC = 1;
          INTERNAL = 2;
          PUBLIC_UNDOCUMENTED = 3;
        }
        """;
}
