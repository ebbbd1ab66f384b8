global using Hyper.Oci;
global using Hyper.Oci.Layout;
global using Hyper.Testing;
global using Hyper.Testing.Registry;
