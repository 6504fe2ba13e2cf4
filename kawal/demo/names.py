"""Word lists for plausible Indonesian (Javanese, Osing, Madurese) names and addresses."""

MALE_GIVEN = (
    "Agus Ahmad Andi Arif Bambang Budi Dedi Dimas Eko Fajar Hadi Hendra Imam Joko Kukuh "
    "Mohammad Nur Rizal Rudi Slamet Sugeng Suharto Supriyadi Taufik Teguh Wahyu Yusuf Anang "
    "Bagus Dwi Edi Fandi Gatot Hari Irfan Jumadi Kholil Lutfi Mulyono Nanang Purnomo Rahmat "
    "Sholeh Totok Untung Wawan Yoga Zainal Abdul Rohman Syaiful Heru Didik Arifin Misnadi"
).split()
FEMALE_GIVEN = (
    "Sri Siti Dewi Endang Fitri Indah Kartini Lestari Murni Nurul Rina Sulastri Tri Wulan "
    "Yuliana Anik Dian Erna Puji Ratna Sumiati Umi Wahyuni Ani Eka Ika Laila Maya Novi Rini"
).split()
SURNAMES = (
    "Santoso Prasetyo Wibowo Hidayat Susanto Setiawan Kurniawan Saputra Gunawan Wijaya "
    "Purnama Hartono Nugroho Firmansyah Rahman Haryanto Sutrisno Utomo Ramadhan Pratama "
    "Hakim Syahputra Maulana Suryadi Efendi Mansur Fauzi Hasan Junaedi Suyitno Pranoto "
    "Wardoyo Suprapto Basuki Sudarmaji Kusnadi Sholihin Asmara Darmawan Iskandar"
).split()
DUSUN = (
    "Krajan Sumberejo Sidomulyo Karanganyar Kedungrejo Sukorejo Tegalrejo Wonosari Kebonrejo "
    "Sumbersari Purwosari Rejoagung Sidorejo Krajan Lor Krajan Kidul Sukomulyo Gunungsari "
    "Jatirejo Kalisari Ngadirejo"
).split()

POLRI_RANKS = (
    ("Bripda", 22),
    ("Briptu", 20),
    ("Brigpol", 18),
    ("Bripka", 14),
    ("Aipda", 9),
    ("Aiptu", 8),
    ("Ipda", 4),
    ("Iptu", 3),
    ("AKP", 2),
)
ARMY_RANKS = (
    ("Prada", 18),
    ("Pratu", 18),
    ("Praka", 12),
    ("Kopda", 10),
    ("Koptu", 8),
    ("Serda", 10),
    ("Sertu", 8),
    ("Serka", 6),
    ("Serma", 4),
    ("Pelda", 3),
    ("Letda", 2),
    ("Lettu", 1),
)
NAVY_RANKS = (
    ("Kelasi Dua", 15),
    ("Kelasi Satu", 15),
    ("Kelasi Kepala", 12),
    ("Kopda", 12),
    ("Serda", 14),
    ("Sertu", 10),
    ("Serka", 8),
    ("Pelda", 5),
    ("Letda", 5),
    ("Lettu", 4),
)
