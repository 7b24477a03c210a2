"""A second, smaller fixture site in the tagDiv "Newspaper" theme: "Tin Tây Nguyên".

Different theme markup (td-post-content, td-post-header, td_module_* listings), date-based
permalinks (/YYYY/MM/DD/slug/), a different source prefix ("TTN –"), a YouTube embed, so
extraction and crawling are tested beyond the kontumtv look. Texts written for this
project; names invented.
"""

from __future__ import annotations

import copy
import datetime as dt

from crawler.sitegen.model import TZ, BodyImage, Category, Comment, Page, Post, Site, User

PREFIX = "TTN –"

USERS = {"an-nhien": "An Nhiên", "duc-tri": "Đức Trí", "lam-vy": "Lâm Vy"}

CATEGORIES = (
    Category("thoi-su", "Thời sự"),
    Category("kinh-te", "Kinh tế"),
    Category("doi-song", "Đời sống"),
    Category("du-lich", "Du lịch"),
    Category("video", "Video"),
)

PAGES = (
    Page("gioi-thieu", "Giới thiệu", (
        "Tin Tây Nguyên là trang tin tổng hợp về đời sống, kinh tế và văn hóa các tỉnh Tây "
        "Nguyên.",
        "Tòa soạn tiếp nhận tin bài, ảnh của cộng tác viên qua thư điện tử.",
    )),
    Page("lien-he-quang-cao", "Liên hệ quảng cáo", (
        "Bảng giá quảng cáo banner và bài PR được gửi theo yêu cầu của khách hàng.",
        "Vui lòng liên hệ bộ phận kinh doanh trong giờ hành chính.",
    )),
)

POSTS: list[Post] = []


def P(*args: object, **kw: object) -> None:
    POSTS.append(Post.spec(*args, **kw))  # type: ignore[arg-type]


P("nong-dan-gia-lai-thu-hoach-ho-tieu",
  "Nông dân Gia Lai thu hoạch hồ tiêu trong nắng sớm", "kinh-te", "2019-05-12 07:30",
  "an-nhien", "hồ tiêu; Gia Lai",
  ["Sáng ngày 12/5, trên những nương tiêu ở huyện Chư Sê, từng tốp người đã kéo thang, đeo "
   "bao lên hái những chùm tiêu chín đỏ.",
   "Vụ tiêu năm nay năng suất không cao do nắng hạn kéo dài đầu mùa, nhưng giá bán nhích lên "
   "khiến nhiều nhà vườn vẫn có lãi.",
   "Anh Rơ Châm Hyưk, một nông dân trồng tiêu lâu năm, cho biết gia đình đã chuyển sang bón "
   "phân hữu cơ và giữ cỏ trong vườn để giữ ẩm cho đất."],
  meta=False, show_date=False, relative_date=True)

P("sau-rieng-dak-lak-xuat-khau-chinh-ngach",
  "Sầu riêng Đắk Lắk xuất khẩu chính ngạch", "kinh-te", "2022-09-19 10:15", "duc-tri",
  "sầu riêng; Đắk Lắk; xuất khẩu",
  ["Những container sầu riêng đầu tiên của Đắk Lắk đã lên đường sang thị trường phía Bắc theo "
   "đường chính ngạch, sau khi các vùng trồng được cấp mã số.",
   "Theo ngành nông nghiệp, diện tích sầu riêng của tỉnh tăng nhanh trong vài năm gần đây. Để "
   "giữ thị trường, người trồng phải tuân thủ nghiêm quy trình canh tác và ghi chép nhật ký.",
   "Một số doanh nghiệp đã đầu tư kho lạnh, dây chuyền cấp đông ngay tại vùng nguyên liệu.",
   "Các chuyên gia khuyến cáo nông dân không nên chặt bỏ cà phê ồ ạt để trồng sầu riêng."],
  prefix=PREFIX, byline="Đức Trí – Lâm Vy")

P("le-hoi-ca-phe-buon-ma-thuot-lan-thu-8",
  "Lễ hội Cà phê Buôn Ma Thuột lần thứ 8 thu hút đông đảo du khách", "du-lich doi-song",
  "2023-03-11 21:00", "lam-vy", "cà phê; lễ hội; Đắk Lắk",
  ["Tối 10/3, Lễ hội Cà phê Buôn Ma Thuột lần thứ 8 chính thức khai mạc tại quảng trường trung "
   "tâm thành phố với màn trình diễn nghệ thuật đặc sắc.",
   "Trong khuôn khổ lễ hội, nhiều hoạt động như đường phố cà phê, hội chợ triển lãm, lễ hội "
   "đường phố với sự tham gia của các đội cồng chiêng đã thu hút hàng vạn lượt người.",
   "Du khách có dịp thưởng thức miễn phí cà phê và tìm hiểu quy trình từ hạt đến ly."],
  images=(BodyImage("2023/03/le-hoi-ca-phe.jpg", "LE HOI CA PHE BMT",
                    "Đường phố cà phê trong đêm khai mạc lễ hội", after=1, figure=True),))

P("video-thac-dray-nur-mua-nuoc-lon", "Video: Thác Dray Nur mùa nước lớn", "video",
  "2021-08-28 18:00", "an-nhien", "du lịch; thác nước; Đắk Lắk",
  ["Những hình ảnh hùng vĩ của thác Dray Nur vào mùa mưa, khi dòng Sêrêpốk đổ nước trắng "
   "xóa qua vách đá bazan.",
   "Khu du lịch đề nghị du khách không xuống sát mép thác khi mực nước dâng cao."],
  video="https://www.youtube.com/embed/tN9dRaYnUr0")

P("cao-toc-khanh-hoa-buon-ma-thuot-tang-toc",
  "Cao tốc Khánh Hòa – Buôn Ma Thuột tăng tốc về đích", "thoi-su", "2024-11-05 15:40",
  "duc-tri", "giao thông; cao tốc; Đắk Lắk",
  ["Trên công trường cao tốc Khánh Hòa – Buôn Ma Thuột, hàng nghìn công nhân và máy móc đang "
   "làm việc xuyên ngày đêm để kịp tiến độ.",
   "Đoạn qua địa phận Đắk Lắk dài hơn 48 km, đi qua nhiều khu vực có địa hình phức tạp. Các nhà "
   "thầu tranh thủ những ngày nắng để thi công nền đường và đổ bê tông mặt cầu.",
   "## Vướng mắc mặt bằng cơ bản được tháo gỡ",
   "Chính quyền các huyện đã bàn giao gần như toàn bộ mặt bằng. Một số hộ dân chưa đồng thuận "
   "được vận động, giải thích chính sách bồi thường nhiều lần.",
   "## Kỳ vọng mở lối ra biển",
   "Khi hoàn thành, tuyến cao tốc sẽ rút ngắn thời gian đi từ Buôn Ma Thuột xuống Nha Trang "
   "còn khoảng hai giờ, mở ra cơ hội lớn cho du lịch và vận chuyển nông sản."],
  split=2)

P("mua-hoa-da-quy-tren-cao-nguyen",
  "Mùa hoa dã quỳ nhuộm vàng cao nguyên", "du-lich", "2020-11-20 09:00", "lam-vy",
  "dã quỳ; Gia Lai; du lịch",
  ["Tháng 11, khi gió mùa đông bắc tràn về, những triền đồi quanh núi lửa Chư Đăng Ya lại "
   "vàng rực sắc hoa dã quỳ.",
   "Nhiều nhóm bạn trẻ từ các tỉnh đồng bằng tìm về Gia Lai để chụp ảnh, cắm trại, thưởng "
   "thức ẩm thực của đồng bào Gia Rai.",
   "Chính quyền xã đã bố trí bãi đỗ xe và nhắc nhở du khách giữ vệ sinh chung."],
  amp=True,
  comments=(Comment("Hoàng Yến", "2020-11-21 08:10",
                    "Năm nào mình cũng lên Chư Đăng Ya ngắm hoa, đẹp lắm mọi người ơi."),
            Comment("Tuấn Kiệt", "2020-11-22 19:25",
                    "Đường lên núi mùa này có dễ đi bằng xe máy không ạ?")))

P("bien-ho-pleiku-doi-mat-nguy-co-o-nhiem",
  "Biển Hồ Pleiku đối mặt nguy cơ ô nhiễm", "thoi-su doi-song", "2018-06-14 16:20", "an-nhien",
  "môi trường; Gia Lai",
  ["Biển Hồ (hồ T’Nưng), nguồn nước sinh hoạt chính của thành phố Pleiku, đang chịu áp lực "
   "từ hoạt động canh tác và du lịch xung quanh.",
   "Các nhà khoa học cảnh báo việc sử dụng phân bón, thuốc bảo vệ thực vật trên các vườn cà "
   "phê sát lòng hồ có thể làm suy giảm chất lượng nước.",
   "Thành phố đã khoanh vùng bảo vệ, đồng thời hỗ trợ người dân chuyển đổi sang canh tác hữu "
   "cơ."],
  prefix=PREFIX)

P("bao-ton-dan-voi-nha-o-dak-lak",
  "Nỗ lực bảo tồn đàn voi nhà ở Đắk Lắk", "doi-song", "2021-04-02 11:30", "lam-vy",
  "voi; bảo tồn; Đắk Lắk",
  ["Đàn voi nhà ở huyện Lắk và Buôn Đôn hiện chỉ còn khoảng 30 cá thể, phần lớn đã già và "
   "không còn khả năng sinh sản.",
   "Trung tâm Bảo tồn voi phối hợp với các tổ chức quốc tế triển khai mô hình du lịch thân "
   "thiện, chấm dứt việc cưỡi voi.",
   "Chủ voi được hỗ trợ kinh phí chăm sóc, khám sức khỏe định kỳ cho voi.",
   "Già Y Khu, một chủ voi ở buôn Jun, nói ông coi con voi như người trong nhà."],
  byline="Lâm Vy")

P("mua-da-gay-thiet-hai-o-chu-prong",
  "Mưa đá gây thiệt hại nhiều diện tích cây trồng ở Chư Prông", "thoi-su",
  "2024-04-08 19:10", "duc-tri", "thiên tai; Gia Lai",
  ["Chiều 8/4, một trận mưa đá kèm lốc xoáy đã xảy ra trên địa bàn huyện Chư Prông, làm tốc "
   "mái nhiều nhà dân và gây dập nát vườn cây.",
   "Chính quyền địa phương đã huy động lực lượng giúp người dân lợp lại mái nhà, thống kê "
   "thiệt hại để có phương án hỗ trợ."])

P("hoang-anh-gia-lai-cong-chieng-tren-san-co",
  "Tiếng cồng chiêng trên sân bóng Pleiku", "doi-song", "2017-04-23 20:45", "an-nhien",
  "thể thao; văn hóa; Gia Lai",
  ["Mỗi trận đấu trên sân nhà Pleiku, khán đài lại vang tiếng cồng chiêng của những cổ động "
   "viên người Gia Rai, Ba Na.",
   "Đội cổ động viên được thành lập từ nhiều năm trước, gồm cả những nghệ nhân lớn tuổi trong "
   "các làng quanh thành phố.",
   "Với họ, cổ vũ đội bóng quê hương cũng là cách đưa âm thanh đại ngàn đến gần hơn với bạn bè "
   "khắp nơi."])


def tintaynguyen_site() -> Site:
    site = Site(
        origin="http://tintaynguyen.test",
        name="Tin Tây Nguyên",
        long_name="Báo điện tử Tin Tây Nguyên",
        tagline="Tin tức Tây Nguyên mới nhất",
        today=dt.datetime(2025, 12, 1, 8, 0, tzinfo=TZ),
        users={slug: User(slug, name) for slug, name in USERS.items()},
        categories={c.key: copy.copy(c) for c in CATEGORIES},
        posts=[copy.copy(p) for p in POSTS],
        pages=[copy.copy(p) for p in PAGES],
        menu=("thoi-su", "kinh-te", "doi-song", "du-lich", "video"),
        per_page=4,
        permalink="date",
    )
    site.finalize()
    return site
