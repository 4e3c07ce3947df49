package migration

import "testing"

func TestParseName(t *testing.T) {
	tests := []struct {
		name    string
		want    Name
		skipped bool
		wantErr bool
	}{
		{name: "20211209212234_first.sql", want: Name{20211209212234, Simple, "first"}},
		{name: "1_create_users.sql", want: Name{1, Simple, "create users"}},
		{name: "0001_x.sql", want: Name{1, Simple, "x"}},
		{name: "+5_plus.sql", want: Name{5, Simple, "plus"}},
		{name: "-3_minus.sql", want: Name{-3, Simple, "minus"}},
		{name: "0_zero.sql", want: Name{0, Simple, "zero"}},
		{name: "1_x.sql.sql", want: Name{1, Simple, "x"}},
		{name: "1_x.up.sql.up.sql", want: Name{1, ReversibleUp, "x"}},
		{name: "2_add_col.up.sql", want: Name{2, ReversibleUp, "add col"}},
		{name: "2_add_col.down.sql", want: Name{2, ReversibleDown, "add col"}},
		{name: "3_a_b__c.sql", want: Name{3, Simple, "a b  c"}},
		{name: "20231013152336_23-10-13_17-23.sql", want: Name{20231013152336, Simple, "23-10-13 17-23"}},
		{name: "4_Ünïcode.Dots.sql", want: Name{4, Simple, "Ünïcode.Dots"}},
		{name: "5_.sql", want: Name{5, Simple, ""}},
		{name: "9223372036854775807_max.sql", want: Name{9223372036854775807, Simple, "max"}},
		{name: "-9223372036854775808_min.sql", want: Name{-9223372036854775808, Simple, "min"}},
		{name: "README.md", skipped: true},
		{name: "notes.txt", skipped: true},
		{name: "foo.sql", skipped: true},
		{name: "1_upper.SQL", skipped: true},
		{name: "1_x.sqlx", skipped: true},
		{name: "1_x.sql~", skipped: true},
		{name: "seed_data.sql", wantErr: true},
		{name: "V1__init.sql", wantErr: true},
		{name: ".#1_x.sql", wantErr: true},
		{name: "_x.sql", wantErr: true},
		{name: "+_x.sql", wantErr: true},
		{name: "-_x.sql", wantErr: true},
		{name: "+-1_x.sql", wantErr: true},
		{name: " 1_x.sql", wantErr: true},
		{name: "1 _x.sql", wantErr: true},
		{name: "1_000_x.sql", want: Name{1, Simple, "000 x"}},
		{name: "0x1F_x.sql", wantErr: true},
		{name: "9223372036854775808_overflow.sql", wantErr: true},
		{name: "١_arabic_digit.sql", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := ParseName(tt.name)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseName(%q) = %+v, want an error", tt.name, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseName(%q): %v", tt.name, err)
			}
			if ok == tt.skipped {
				t.Fatalf("ParseName(%q) ok = %v, want %v", tt.name, ok, !tt.skipped)
			}
			if ok && got != tt.want {
				t.Errorf("ParseName(%q) = %+v, want %+v", tt.name, got, tt.want)
			}
		})
	}
}

func TestParseNameErrorWording(t *testing.T) {
	_, _, err := ParseName("seed_data.sql")
	want := "error parsing migration filename \"seed_data.sql\"; expected integer version prefix (e.g. `01_foo.sql`)"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
}
